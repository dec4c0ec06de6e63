/**
 * What a SLSA provenance predicate (v0.2 or v1, as npm's GitHub Actions and GitLab builds write
 * it) says about the build: source repository, commit, workflow and builder. Hostile JSON even
 * inside a signed envelope: every field is shape-checked, a missing one is absent.
 */
import { z } from 'zod';
import { repositoryName } from './certificate.js';

export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';

export interface BuildClaims {
  repository?: string;
  commit?: string;
  workflow?: string;
  builder?: string;
}

const short = z.string().min(1).max(2000);
const digests = z.record(z.string().max(64), z.string().max(256));

const v02 = z.object({
  builder: z.object({ id: short }).optional(),
  invocation: z
    .object({
      configSource: z
        .object({ uri: short.optional(), digest: digests.optional(), entryPoint: short.optional() })
        .optional(),
    })
    .optional(),
});

const v1 = z.object({
  buildDefinition: z.object({
    externalParameters: z.object({
      workflow: z
        .object({ repository: short.optional(), path: short.optional(), ref: short.optional() })
        .optional(),
    }),
    resolvedDependencies: z
      .array(z.object({ uri: short.optional(), digest: digests.optional() }))
      .max(64)
      .optional(),
  }),
  runDetails: z.object({ builder: z.object({ id: short }).optional() }).optional(),
});

/**
 * The workflow file of an entry point: '.github/workflows/x.yml', or npm's early
 * '<owner>/<repo>/.github/workflows/x.yml@<ref>' form cut to the path (GitLab's '.gitlab-ci.yml' as is).
 */
function workflowFile(entryPoint: string | undefined): string | undefined {
  if (entryPoint === undefined) return undefined;
  const path = entryPoint.replace(/@[^@/]*(?:\/[^@]*)?$/, '');
  const github = /(?:^|\/)(\.github\/workflows\/[^/]+)$/.exec(path);
  return github?.[1] ?? path;
}

function assign(claims: BuildClaims, field: keyof BuildClaims, value: string | undefined): void {
  if (value !== undefined) claims[field] = value;
}

/** The claims of a predicate of `predicateType`, or undefined when it is not SLSA provenance. */
export function buildClaims(predicateType: string, predicate: unknown): BuildClaims | undefined {
  const claims: BuildClaims = {};
  if (predicateType === SLSA_V02) {
    const parsed = v02.safeParse(predicate);
    if (!parsed.success) return claims;
    const source = parsed.data.invocation?.configSource;
    assign(
      claims,
      'repository',
      source?.uri === undefined ? undefined : repositoryName(source.uri),
    );
    assign(claims, 'commit', source?.digest?.sha1 ?? source?.digest?.gitCommit);
    assign(claims, 'workflow', workflowFile(source?.entryPoint));
    assign(claims, 'builder', parsed.data.builder?.id);
    return claims;
  }
  if (predicateType === SLSA_V1) {
    const parsed = v1.safeParse(predicate);
    if (!parsed.success) return claims;
    const { externalParameters, resolvedDependencies } = parsed.data.buildDefinition;
    const workflow = externalParameters.workflow;
    const source = resolvedDependencies?.[0];
    const repositoryUri = workflow?.repository ?? source?.uri;
    assign(
      claims,
      'repository',
      repositoryUri === undefined ? undefined : repositoryName(repositoryUri),
    );
    assign(claims, 'commit', source?.digest?.gitCommit ?? source?.digest?.sha1);
    assign(claims, 'workflow', workflowFile(workflow?.path));
    assign(claims, 'builder', parsed.data.runDetails?.builder?.id);
    return claims;
  }
  return undefined;
}

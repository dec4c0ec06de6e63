/**
 * The policy `trustmap check` evaluates (`trustmap.policy.yaml`): rules over the installed tree,
 * and exceptions that name a package, a rule, a reason, an owner and an expiry date. The schema
 * here is the one source: `schemas/trustmap.policy.schema.json` is generated from it (a test keeps
 * the two equal), and a file that breaks it is refused with the path of the bad field.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { FLAG_IDS } from '../trust/flag-params.js';

/** The rules a finding can come from; an exception names one of them. */
export const RULE_IDS = [
  'flag',
  'trust',
  'advisory',
  'malicious',
  'install-script',
  'provenance',
  'new-publisher',
  'bus-factor',
  'licence',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** The most bytes of a policy file read: a policy is a page, not a dataset. */
export const MAX_POLICY_BYTES = 256 * 1024;

const severity = z.enum(['high', 'medium', 'low', 'info']);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine((s) => {
    const at = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(at) && new Date(at).toISOString().startsWith(s);
  }, 'must be a real date');
const packageSpec = z
  .string()
  .max(500)
  .regex(
    /^pkg:(npm|pypi)\/\S.*$/,
    'must be a package URL, optionally with a version or range: pkg:npm/left-pad, pkg:npm/%40scope/name@^1.2.0',
  );
const scopes = z
  .array(z.string().min(1).max(214))
  .max(1000)
  .describe('npm scopes or names, `@scope/*` for a whole scope');

export const POLICY_SCHEMA = z
  .strictObject({
    version: z.literal(1).describe('the policy format: 1'),
    rules: z
      .strictObject({
        flags: z
          .strictObject({
            severity: z.array(severity).min(1).default(['high']),
            ids: z.array(z.enum(FLAG_IDS)).optional().describe('only these flags (default: all)'),
          })
          .optional()
          .describe('fail on change flags of these severities'),
        trust: z
          .strictObject({
            min: z.number().min(0).max(1),
            score: z.enum(['trust', 'own']).default('trust'),
          })
          .optional()
          .describe('fail a version whose trust (or own trust) is below min'),
        advisories: z
          .strictObject({
            severity: z
              .array(z.enum(['critical', 'high', 'moderate', 'low']))
              .min(1)
              .default(['critical', 'high']),
          })
          .optional()
          .describe('fail on advisories of these severities (malicious always fails)'),
        installScripts: z
          .strictObject({ allow: scopes.default([]) })
          .optional()
          .describe('fail a version that runs a script at install, unless allowed'),
        provenance: z
          .strictObject({
            require: scopes.default([]),
            noDowngrade: z.boolean().default(true),
          })
          .optional()
          .describe('require provenance for these scopes; fail when a release drops it'),
        newPublishers: z
          .strictObject({ severity: z.array(severity).min(1).default(['high', 'medium']) })
          .optional()
          .describe('fail a release by an account that had not published the package before'),
        busFactor: z
          .strictObject({ min: z.number().int().min(1), reachAbove: z.number().int().min(0) })
          .optional()
          .describe(
            'fail a package with fewer than min publishers when more than reachAbove depend on it',
          ),
        licences: z
          .strictObject({
            deny: z.array(z.string().min(1).max(200)).max(1000).default([]),
            allow: z.array(z.string().min(1).max(200)).max(1000).optional(),
          })
          .optional()
          .describe('SPDX identifiers to refuse, or the only ones to accept'),
      })
      .default({}),
    exceptions: z
      .array(
        z.strictObject({
          package: packageSpec,
          rule: z.enum(RULE_IDS).refine((r) => r !== 'malicious', 'malicious cannot be excepted'),
          reason: z.string().min(1).max(2000),
          owner: z.string().min(1).max(200),
          expires: day.describe('the last day the exception holds (UTC)'),
        }),
      )
      .max(10_000)
      .default([]),
  })
  .describe('trustmap check policy');

export type Policy = z.infer<typeof POLICY_SCHEMA>;
export type PolicyException = Policy['exceptions'][number];

/** The policy with no file: fail on malicious releases, high flags and critical or high advisories. */
export const DEFAULT_POLICY: Policy = POLICY_SCHEMA.parse({
  version: 1,
  rules: { flags: {}, advisories: {} },
});

/** The JSON Schema of the policy file (draft 2020-12), as committed under schemas/. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(POLICY_SCHEMA, { io: 'input' });
}

function where(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? 'the policy'
    : path.map((p) => (typeof p === 'number' ? `[${String(p)}]` : `.${String(p)}`)).join('');
}

/** Reads and checks a policy; InvalidInputError naming the file and the bad field. */
export function parsePolicy(text: string, file: string): Policy {
  let document: unknown;
  try {
    document = YAML.parse(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new InvalidInputError(
      `${file}: not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  const parsed = POLICY_SCHEMA.safeParse(document);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file}: ${parsed.error.issues.map((i) => `${where(i.path).replace(/^\./, '')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function loadPolicy(file: string): Policy {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new InvalidInputError(`${file}: no such policy file`);
  }
  if (size > MAX_POLICY_BYTES)
    throw new InvalidInputError(`${file}: over ${String(MAX_POLICY_BYTES)} bytes, not a policy`);
  return parsePolicy(fs.readFileSync(file, 'utf8'), file);
}

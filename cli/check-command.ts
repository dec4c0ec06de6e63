/**
 * `trustmap check <root...>`: ingest and score the roots (in a scratch store, or `--reuse` the
 * configured one), evaluate the policy, and report: a summary, `--json`, `--sarif <file>`,
 * `--markdown <file>`. Exit 0 when the policy passes, 1 when it fails, 2 when the check cannot be
 * evaluated (usage, a bad policy, a root that does not resolve, a registry that does not answer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import { InvalidInputError, isTrustmapError } from '../core/errors.js';
import { parseRootSpec, type RootSpec } from '../ingest/spec.js';
import { checkMarkdown, describeCheck } from '../gate/check-report.js';
import { evaluate } from '../gate/evaluate.js';
import { LockfileLines } from '../gate/lockfile-lines.js';
import { DEFAULT_POLICY, loadPolicy, type Policy } from '../gate/policy.js';
import { toSarif, type RootArtifact } from '../gate/sarif.js';
import type { CommandContext } from './context.js';
import {
  ingestTrees,
  storedTrees,
  withScratchStore,
  type GateRoot,
  type GateRunOptions,
} from './gate-run.js';
import { EXIT, ExitCode, isoInstant } from './io.js';
import { packageVersion } from './package-info.js';

interface CheckOptions extends GateRunOptions {
  policy?: string;
  sarif?: string;
  markdown?: string;
  reuse?: boolean;
}

export const DEFAULT_POLICY_FILE = 'trustmap.policy.yaml';

/**
 * The policy named, or trustmap.policy.yaml beside the first root file, or in the working folder,
 * or the default one.
 */
export function choosePolicy(
  cwd: string,
  file: string | undefined,
  rootFile?: string,
): { policy: Policy; source: string } {
  if (file !== undefined) return { policy: loadPolicy(path.resolve(cwd, file)), source: file };
  const folders = [...new Set([...(rootFile === undefined ? [] : [path.dirname(rootFile)]), cwd])];
  for (const folder of folders) {
    const beside = path.join(folder, DEFAULT_POLICY_FILE);
    if (fs.existsSync(beside))
      return {
        policy: loadPolicy(beside),
        source: path.relative(cwd, beside) || DEFAULT_POLICY_FILE,
      };
  }
  return {
    policy: DEFAULT_POLICY,
    source: 'the default policy (malicious, high flags, critical and high advisories)',
  };
}

/** A root's file as SARIF locates it: relative to the working folder, with its lines. */
function artifactOf(root: GateRoot, cwd: string): RootArtifact | undefined {
  if (root.file === undefined) return undefined;
  let lines: LockfileLines | undefined;
  try {
    lines = new LockfileLines(fs.readFileSync(root.file, 'utf8'));
  } catch {
    lines = undefined; // a folder or an unreadable file: located at the file, without a line
  }
  const relative = path.relative(cwd, root.file).split(path.sep).join('/');
  const uri = relative.startsWith('..')
    ? pathToFileURL(root.file).href
    : relative.split('/').map(encodeURIComponent).join('/');
  return { uri, lines };
}

/** Runs a gate's work, turning anything that stops it into exit 2 with the reason. */
export async function gate(
  context: CommandContext,
  name: string,
  work: () => Promise<number>,
): Promise<void> {
  let code: number;
  try {
    code = await work();
  } catch (error) {
    if (error instanceof ExitCode) throw error;
    const message = error instanceof Error ? error.message : String(error);
    context.io.err(
      `trustmap ${name}: ${message}${isTrustmapError(error) ? ` [${error.code}]` : ''}\n`,
    );
    throw new ExitCode(EXIT.usage);
  }
  if (code !== EXIT.ok) throw new ExitCode(code);
}

export function gateOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--as-of <date>', 'resolve and score as the registries stood then').argParser(
        isoInstant,
      ),
    )
    .option('--registry <url>', 'npm registry base URL (default: NPM_REGISTRY)')
    .option('--dev', "follow the roots' devDependencies too")
    .option('--no-repos', "do not read the closure's repositories")
    .option('--no-advisories', 'do not ask OSV about the tree (malicious releases then go unseen)');
}

export function addCheckCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  gateOptions(
    program
      .command('check')
      .description(
        'evaluate a policy over the trees the roots install: exit 0 pass, 1 fail, 2 error',
      )
      .argument(
        '<root...>',
        'lockfile, SBOM or requirements paths, npm:/pypi: specs or package URLs',
      )
      .option(
        '--policy <file>',
        `the policy (default: ${DEFAULT_POLICY_FILE} here, else a default one)`,
      )
      .option('--json', 'print the results as JSON on stdout')
      .option('--sarif <file>', 'write the findings as SARIF 2.1.0, located in the lockfiles')
      .option('--markdown <file>', 'write a Markdown summary (for a pull request or job summary)')
      .option('--reuse', 'read the configured store, already ingested and scored, instead'),
  ).action(async (roots: string[], options: CheckOptions) => {
    await gate(context, 'check', async () => {
      const first = roots
        .map((r) => parseRootSpec(r, io.cwd))
        .find((s): s is RootSpec & { path: string } => 'path' in s);
      const { policy, source } = choosePolicy(io.cwd, options.policy, first?.path);
      const settings = context.config();
      if (
        options.reuse === true &&
        (options.asOf !== undefined || options.registry !== undefined || options.dev === true)
      )
        throw new InvalidInputError(
          '--reuse reads what the store holds: --as-of, --registry and --dev do not apply',
        );
      const trees =
        options.reuse === true
          ? await context.withStore((store) => storedTrees(store, roots, io.cwd))
          : await withScratchStore(settings, (store) =>
              ingestTrees(context, settings, store, roots, options),
            );
      const results = evaluate(
        trees.map((t) => t.tree),
        policy,
        new Date(),
      );
      const artifacts = new Map<string, RootArtifact>();
      for (const t of trees) {
        const artifact = artifactOf(t, io.cwd);
        if (artifact !== undefined) artifacts.set(t.tree.root, artifact);
      }
      if (options.sarif !== undefined)
        fs.writeFileSync(
          path.resolve(io.cwd, options.sarif),
          `${JSON.stringify(toSarif(results, artifacts, packageVersion()), null, 2)}\n`,
        );
      if (options.markdown !== undefined)
        fs.writeFileSync(path.resolve(io.cwd, options.markdown), checkMarkdown(results));
      if (options.json === true)
        io.out(`${JSON.stringify({ policy: source, results }, null, 2)}\n`);
      else io.out(`policy: ${source}\n${describeCheck(results)}`);
      return results.every((r) => r.passed) ? EXIT.ok : EXIT.failed;
    });
  });
}

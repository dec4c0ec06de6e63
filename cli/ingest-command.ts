/** `trustmap ingest`: roots, then their repositories (unless --no-repos) and advisories (if asked). */
import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { ConfigError, InvalidInputError } from '../core/errors.js';
import { environmentStated, pythonEnvironment } from '../ingest/sources/pypi/environment.js';
import { DEFAULT_QUEUE } from '../ingest/queue/distributed.js';
import type { IngestSummary } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import { createLogger } from '../core/log.js';
import { ingestPlan, type IngestOptions } from '../pipeline/plan.js';
import type { CommandContext } from './context.js';
import { EXIT, ExitCode, isoInstant, positiveInt, wholeNumber } from './io.js';
import { showStatus } from './ingest-status.js';
import { describeSummary } from './output.js';
import { describeAdvisories, describeRepositories, runWithProgress } from './stage-output.js';

interface IngestCliOptions {
  workers?: boolean;
  queue?: string;
  status?: string | true;
  depth?: number;
  asOf?: Date;
  dev?: boolean;
  registry?: string;
  concurrency?: number;
  json?: boolean;
  advisories?: boolean;
  repos?: boolean;
  allMarkers?: boolean;
  python?: string;
  platform?: string;
  implementation?: string;
}

/** The CLI's options as the pipeline's ingest options (`explore` takes the same defaults). */
export function ingestOptions(
  context: CommandContext,
  settings: Config,
  specs: string[],
  options: IngestCliOptions,
): IngestOptions {
  let workers: IngestOptions['workers'];
  if (options.workers === true) {
    if (settings.redisUrl === undefined)
      throw new ConfigError('REDIS_URL', 'is required with --workers');
    workers = { redisUrl: settings.redisUrl, queueName: options.queue ?? DEFAULT_QUEUE };
  }
  return {
    roots: specs.map((spec) => parseRootSpec(spec, context.io.cwd)),
    repositories: options.repos !== false,
    advisories: options.advisories === true,
    registry:
      options.registry === undefined
        ? undefined
        : loadConfig({ NPM_REGISTRY: options.registry }, context.io.cwd).npmRegistry,
    ...pythonOption(options),
    maxDepth: options.depth,
    asOf: options.asOf,
    dev: options.dev === true,
    concurrency: options.concurrency ?? settings.fetchConcurrency,
    workers,
  };
}

/** `--all-markers`, or the environment `--python`, `--platform`, `--implementation` state. */
function pythonOption(options: IngestCliOptions): Pick<IngestOptions, 'pythonEnvironment'> {
  if (!environmentStated(options))
    return options.allMarkers === true ? { pythonEnvironment: 'all' } : {};
  if (options.allMarkers === true)
    throw new InvalidInputError(
      '--all-markers takes every environment: it does not go with --python, --platform or --implementation',
    );
  return { pythonEnvironment: pythonEnvironment(options) };
}

/** Non-optional failures of the roots fail the command; a repository or advisory does not. */
export function exitCodeOf(summary: IngestSummary): number {
  return summary.failures.some((f) => !f.optional) ? EXIT.failed : EXIT.ok;
}

export function addIngestCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('ingest')
    .description('load packages, versions, people, repositories and organisations into the graph')
    .argument(
      '[spec...]',
      'npm:<name>[@<version|range|tag>], pypi:<name>[@<version|specifier>], a package URL, or a lockfile, requirements file or SBOM path',
    )
    .addOption(
      new Option(
        '--depth <n>',
        'levels of dependencies to follow (default: the whole closure)',
      ).argParser(wholeNumber),
    )
    .option('--dev', "follow the roots' devDependencies too")
    .addOption(
      new Option(
        '--as-of <date>',
        'resolve npm roots as the registry stood then, as npm install --before does (later versions are not recorded)',
      ).argParser(isoInstant),
    )
    .option('--registry <url>', 'npm registry base URL (default: NPM_REGISTRY)')
    .addOption(
      new Option(
        '--concurrency <n>',
        'requests and jobs at once (default: TRUSTMAP_FETCH_CONCURRENCY)',
      ).argParser(positiveInt),
    )
    .option('--json', 'print a JSON summary on stdout')
    .option(
      '--workers',
      'enqueue on BullMQ at REDIS_URL and let "trustmap worker" processes do the work',
    )
    .option('--queue <name>', 'BullMQ queue name', DEFAULT_QUEUE)
    .option('--status [runId]', 'list recent distributed runs, or one run, with their failures')
    .option(
      '--advisories',
      'then ask OSV (OSV_URL) about every version in the graph (sends the version list to OSV)',
    )
    .option(
      '--no-repos',
      "do not read the closure's repositories (by default: through GitHub's API with GITHUB_TOKEN, else their git history, cloned into .trustmap/git)",
    )
    .option(
      '--all-markers',
      'follow PyPI requirements whatever their environment markers (default: CPython 3.12 on Linux)',
    )
    .option(
      '--python <version>',
      'resolve PyPI roots for this Python (3.10, or 3.10.4): markers and requires-python (default: 3.12)',
    )
    .option('--platform <os>', 'resolve PyPI roots for linux, macos or windows (default: linux)')
    .option('--implementation <name>', 'resolve PyPI roots for cpython or pypy (default: cpython)')
    .action(async (specs: string[], options: IngestCliOptions, command: Command) => {
      const json = options.json === true;
      if (options.status !== undefined) {
        await showStatus(context, options.status === true ? undefined : options.status, json);
        return;
      }
      // Printed and thrown by commander, as its own missing-argument error is (exit 2).
      if (specs.length === 0)
        command.error("error: missing required argument 'spec' (or --status)", { exitCode: 2 });
      const summary = await context.withStoreSource(async (store, settings) => {
        const logger = createLogger(settings.logLevel);
        const plan = ingestPlan(settings, ingestOptions(context, settings, specs, options), logger);
        return runWithProgress(plan, store, json);
      });
      const roots = summary.roots;
      if (roots === undefined) throw new Error('an ingest plans its roots');
      const { repositories, advisories } = summary;
      if (json) io.out(JSON.stringify({ ...roots, repositories, advisories }, null, 2) + '\n');
      else {
        io.out(describeSummary(roots));
        const withToken = context.config().githubToken !== undefined;
        if (repositories !== undefined) io.out(describeRepositories(repositories, withToken));
        if (advisories !== undefined) io.out(describeAdvisories(advisories));
      }
      const code = exitCodeOf(roots);
      if (code !== EXIT.ok) throw new ExitCode(code);
    });
}

/**
 * The `trustmap` command: subcommands, their options and what they print. Commands load the
 * configuration, open the store and call into the library; the logic lives in the modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, settingRows, type Config, type Environment } from '../config.js';
import { ConfigError, isTrustmapError } from '../errors.js';
import { openStore } from '../graph/open-store.js';
import type { GraphStore } from '../graph/store.js';
import type { JsonValue } from '../graph/values.js';
import { createLogger } from '../log.js';
import { ingest, type Coverage, type IngestSummary, type Progress } from '../ingest/run-ingest.js';
import {
  DEFAULT_QUEUE,
  ingestWithWorkers,
  redisConnection,
  startIngestWorker,
} from '../ingest/queue/distributed.js';
import { RunState } from '../ingest/queue/run-state.js';
import { parseRootSpec } from '../ingest/spec.js';
import { cell, csv, describeCoverage, describeSummary, table } from './output.js';
import { countDisplay, progressDisplay } from './progress.js';
import { ingestAdvisories, type AdvisorySummary } from '../ingest/advisories.js';
import { enrichRepositories, type EnrichSummary } from '../ingest/enrich-repositories.js';
import { GitHubClient } from '../ingest/sources/github/github-client.js';
import { scoreStore } from '../trust/score-store.js';
import { addTrustCommands } from './trust-commands.js';
import { createApp } from '../server/app.js';
import { assertSafeBinding } from '../server/auth.js';
import { clientDir, packageVersion } from './package-info.js';

export interface CliIo {
  /** The environment to configure from; config.ts reads the process's when this is absent. */
  env?: Environment;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit codes: 0 done, 1 done with failures or a runtime error, 2 a usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface QueryCliOptions {
  param: Record<string, JsonValue>;
  limit?: number;
  timeout?: number;
  format: 'table' | 'json' | 'csv';
  json?: boolean;
}

interface IngestCliOptions {
  workers?: boolean;
  queue?: string;
  status?: string | true;
  depth?: number;
  dev?: boolean;
  registry?: string;
  concurrency: number;
  json?: boolean;
  advisories?: boolean;
  repos?: boolean;
  allMarkers?: boolean;
}

class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}

function parseParam(value: string, previous: Record<string, JsonValue>): Record<string, JsonValue> {
  const eq = value.indexOf('=');
  if (eq < 1)
    throw new InvalidArgumentError('must be name=value (value is JSON, or else a string)');
  const name = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(raw) as JsonValue;
  } catch {
    parsed = raw;
  }
  return { ...previous, [name]: parsed };
}

const ENVIRONMENT_HELP = [
  '',
  'Environment:',
  ...settingRows().map(
    (row) => `  ${row.name.padEnd(26)} ${row.description} (default: ${row.default})`,
  ),
].join('\n');

export function buildProgram(io: CliIo): Command {
  const config = (): Config => loadConfig(io.env, io.cwd);

  async function withStore<T>(work: (store: GraphStore, config: Config) => Promise<T>): Promise<T> {
    const settings = config();
    const store = await openStore(settings, createLogger(settings.logLevel));
    try {
      return await work(store, settings);
    } finally {
      await store.close();
    }
  }

  async function runIngest(
    specs: string[],
    options: IngestCliOptions,
  ): Promise<{ code: number; roots: string[]; summary: IngestSummary }> {
    const settings = config();
    const registry =
      options.registry === undefined
        ? settings.npmRegistry
        : loadConfig({ NPM_REGISTRY: options.registry }, io.cwd).npmRegistry;
    const roots = specs.map((spec) => parseRootSpec(spec, io.cwd));
    const display = progressDisplay(process.stderr, options.json === true && !process.stderr.isTTY);
    const common = {
      roots,
      registry,
      pypiUrl: settings.pypiUrl,
      ...(options.allMarkers === true ? { pythonEnvironment: 'all' as const } : {}),
      maxDepth: options.depth,
      dev: options.dev === true,
      // The repository stage that follows links identities once, at its end.
      linkIdentities: options.repos === false,
      onProgress: (progress: Progress) => {
        display.update(progress);
      },
    };
    let summary: IngestSummary;
    try {
      if (options.workers === true) {
        if (settings.redisUrl === undefined)
          throw new ConfigError('REDIS_URL', 'is required with --workers');
        summary = await ingestWithWorkers({
          ...common,
          redisUrl: settings.redisUrl,
          queueName: options.queue ?? DEFAULT_QUEUE,
        });
      } else {
        const logger = createLogger(settings.logLevel);
        summary = await withStore((store) =>
          ingest({ ...common, store, concurrency: options.concurrency, logger }),
        );
      }
    } finally {
      display.stop();
    }
    if (options.json !== true) io.out(describeSummary(summary));
    return {
      code: summary.failures.some((f) => !f.optional) ? EXIT.failed : EXIT.ok,
      roots: summary.roots.flatMap((r) => (r.resolved === null ? [] : [r.resolved])),
      summary,
    };
  }

  /**
   * Repositories: github.com ones through GitHub's API with GITHUB_TOKEN (answers and ETags cached
   * in .trustmap/github), the others, and all of them without a token, from their git history
   * (bare, blobless clones in .trustmap/git). `versions` limits it to the repositories hosting
   * those versions' packages.
   */
  async function runRepositories(
    json: boolean,
    versions?: readonly string[],
  ): Promise<EnrichSummary> {
    const settings = config();
    const logger = createLogger(settings.logLevel);
    const token = settings.githubToken;
    const cache = path.dirname(settings.dbPath);
    const display = countDisplay(process.stderr, json && !process.stderr.isTTY, 'repositories');
    const summary = await withStore((store) =>
      enrichRepositories({
        onProgress: (done, total) => {
          display.update(done, total);
        },
        store,
        cacheDir: path.join(cache, 'git'),
        github:
          token === undefined
            ? undefined
            : new GitHubClient({
                url: settings.githubApiUrl,
                token,
                logger,
                cacheDir: path.join(cache, 'github'),
              }),
        logger,
        ...(versions === undefined ? {} : { versions }),
      }).finally(() => {
        display.stop();
      }),
    );
    if (json) return summary;
    const through =
      token === undefined
        ? 'from git history'
        : `${summary.through.github} through GitHub's API, ${summary.through.git} from git history`;
    io.out(
      `repositories: read ${summary.read} of ${summary.repositories} (${through}), ${summary.contributors} contributors, ${summary.linked} identity links (${(summary.elapsedMs / 1000).toFixed(1)} s)\n`,
    );
    for (const failure of summary.failures.slice(0, 20))
      io.out(`  ${failure.repository}: ${failure.reason}\n`);
    if (summary.failures.length > 20)
      io.out(`  ... and ${summary.failures.length - 20} more (--json lists them all)\n`);
    return summary;
  }

  async function runAdvisories(json: boolean): Promise<AdvisorySummary> {
    const settings = config();
    const summary = await withStore((store) =>
      ingestAdvisories({ store, osvUrl: settings.osvUrl, logger: createLogger(settings.logLevel) }),
    );
    if (json) return summary;
    io.out(
      `advisories: ${summary.advisories} hit ${summary.affected} of ${summary.versions} versions` +
        ` (${summary.requests} OSV requests, ${(summary.elapsedMs / 1000).toFixed(1)} s)\n`,
    );
    if (summary.malicious.length > 0)
      io.out(`malicious packages: ${summary.malicious.join(', ')}\n`);
    if (summary.unconfirmed > 0)
      io.out(
        `${summary.unconfirmed} versions OSV named are outside the advisories' own ranges: not recorded\n`,
      );
    return summary;
  }

  async function showStatus(runId: string | undefined, json: boolean): Promise<void> {
    const settings = config();
    if (settings.redisUrl === undefined)
      throw new ConfigError('REDIS_URL', 'is required for --status');
    const redis = redisConnection(settings.redisUrl);
    try {
      const ids = runId === undefined ? await RunState.recent(redis) : [runId];
      const runs = [];
      for (const id of ids) {
        const state = new RunState(redis, id);
        const meta = await state.meta();
        if (meta === undefined) continue;
        const report = await state.report();
        runs.push({
          ...meta,
          outstanding: await state.outstanding(),
          resolved: report.resolved.length,
          failures: report.failures,
        });
      }
      if (json) {
        io.out(JSON.stringify(runs, null, 2) + '\n');
        return;
      }
      if (runs.length === 0)
        io.out(
          runId === undefined ? 'no distributed runs in the last week\n' : `no run ${runId}\n`,
        );
      for (const run of runs) {
        const state =
          run.finishedAt === undefined
            ? `running, ${run.outstanding} jobs left`
            : `finished ${run.finishedAt}`;
        io.out(
          `${run.runId}  ${run.specs.join(' ')}  started ${run.startedAt}, ${state}, ${run.resolved} versions, ${run.failures.length} failures\n`,
        );
        for (const f of run.failures)
          io.out(`  ${cell(`${f.name}@${f.spec}`, 80)}: ${cell(f.reason, 200)} [${f.code}]\n`);
      }
    } finally {
      redis.disconnect();
    }
  }

  const program = new Command('trustmap')
    .description('Whom am I trusting when I install this, and where would the chain break?')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run "trustmap --help" for the commands)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride();

  program
    .command('stats')
    .description('count the nodes and relationships in the graph store, and what is known')
    .option('--json', 'print a JSON object')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        const counts = await store.counts();
        const [packages] = await store.read('package-coverage');
        const [versions] = await store.read('version-coverage');
        const coverage: Coverage = {
          packages: Number(packages?.packages ?? 0),
          maintainersKnown: Number(packages?.maintainersKnown ?? 0),
          timesKnown: Number(packages?.timesKnown ?? 0),
          versions: Number(versions?.versions ?? 0),
          publishersKnown: Number(versions?.publishersKnown ?? 0),
        };
        if (options.json === true) {
          const report = { store: store.kind, location: store.location, ...counts, coverage };
          io.out(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        io.out(`${store.kind} store at ${store.location}\n`);
        const rows = [
          ...Object.entries(counts.nodes).map(([name, count]) => ({ kind: 'node', name, count })),
          ...Object.entries(counts.relationships).map(([name, count]) => ({
            kind: 'relationship',
            name,
            count,
          })),
        ];
        if (rows.length === 0) {
          io.out('the graph is empty\n');
          return;
        }
        io.out(table(['kind', 'name', 'count'], rows) + '\n');
        io.out(describeCoverage(coverage));
      });
    });

  program
    .command('query')
    .description('run a read-only Cypher query against the graph store')
    .argument('<cypher>', 'the query, or a .cypher file holding it; writes are rejected')
    .option(
      '-p, --param <name=value>',
      'a query parameter (value parsed as JSON when it is JSON)',
      parseParam,
      {},
    )
    .addOption(
      new Option('--limit <rows>', 'row limit (default: TRUSTMAP_QUERY_ROW_LIMIT)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--timeout <ms>', 'time limit (default: TRUSTMAP_QUERY_TIMEOUT_MS)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .option('--json', 'the same as --format json')
    .action(async (cypher: string, options: QueryCliOptions) => {
      const text =
        cypher.endsWith('.cypher') && fs.existsSync(path.resolve(io.cwd, cypher))
          ? fs.readFileSync(path.resolve(io.cwd, cypher), 'utf8')
          : cypher;
      await withStore(async (store, settings) => {
        const result = await store.query(text, options.param, {
          rowLimit: options.limit ?? settings.queryRowLimit,
          timeoutMs: options.timeout ?? settings.queryTimeoutMs,
        });
        const format = options.json === true ? 'json' : options.format;
        if (format === 'json') io.out(JSON.stringify(result, null, 2) + '\n');
        else if (format === 'csv') io.out(csv(result.columns, result.rows));
        else {
          io.out(table(result.columns, result.rows) + '\n');
          const more = result.truncated
            ? ` (truncated at ${result.rows.length}; raise --limit for more)`
            : '';
          io.out(
            `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} in ${result.elapsedMs} ms${more}\n`,
          );
        }
        if (format !== 'table' && result.truncated) {
          io.err(
            `trustmap query: truncated at ${result.rows.length} rows; raise --limit for more\n`,
          );
        }
      });
    });

  program
    .command('ingest')
    .description('load packages, versions, people, repositories and organisations into the graph')
    .argument(
      '<spec...>',
      'npm:<name>[@<version|range|tag>], pypi:<name>[@<version|specifier>], a package URL, or a lockfile, requirements file or SBOM path',
    )
    .addOption(
      new Option(
        '--depth <n>',
        'levels of dependencies to follow (default: the whole closure)',
      ).argParser(wholeNumber),
    )
    .option('--dev', "follow the roots' devDependencies too")
    .option('--registry <url>', 'npm registry base URL (default: NPM_REGISTRY)')
    .addOption(
      new Option('--concurrency <n>', 'requests and jobs at once')
        .argParser(positiveInt)
        .default(16),
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
    .action(async (specs: string[], options: IngestCliOptions) => {
      if (options.status !== undefined) {
        await showStatus(
          options.status === true ? undefined : options.status,
          options.json === true,
        );
        return;
      }
      if (specs.length === 0)
        throw new CommanderError(2, 'trustmap.missingSpec', 'error: no spec to ingest');
      const json = options.json === true;
      const { code, summary } = await runIngest(specs, options);
      // A repository or advisory that cannot be read is reported, and does not fail the ingest.
      const repositories =
        options.repos === false ? undefined : await runRepositories(json, summary.resolved);
      const advisories = options.advisories === true ? await runAdvisories(json) : undefined;
      if (json) io.out(JSON.stringify({ ...summary, repositories, advisories }, null, 2) + '\n');
      if (code !== EXIT.ok) throw new ExitCode(code);
    });

  program
    .command('repos')
    .description(
      "read every repository: through GitHub's API with GITHUB_TOKEN, else its git history (bare, blobless clones in .trustmap/git)",
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { json?: boolean }) => {
      const summary = await runRepositories(options.json === true);
      if (options.json === true) io.out(JSON.stringify(summary, null, 2) + '\n');
    });

  program
    .command('advisories')
    .description(
      'record the OSV advisories (OSV_URL) of every npm and PyPI version in the graph; sends the version list to OSV',
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { json?: boolean }) => {
      const summary = await runAdvisories(options.json === true);
      if (options.json === true) io.out(JSON.stringify(summary, null, 2) + '\n');
    });

  program
    .command('worker')
    .description(
      'process ingest jobs queued on BullMQ at REDIS_URL, writing to the configured store',
    )
    .addOption(new Option('--concurrency <n>', 'jobs at once').argParser(positiveInt).default(8))
    .option('--queue <name>', 'BullMQ queue name', DEFAULT_QUEUE)
    .action(async (options: { concurrency: number; queue: string }) => {
      const settings = config();
      if (settings.redisUrl === undefined)
        throw new ConfigError('REDIS_URL', 'is required for trustmap worker');
      const redisUrl = settings.redisUrl;
      const logger = createLogger(settings.logLevel);
      await withStore(async (store) => {
        const worker = startIngestWorker({
          redisUrl,
          queueName: options.queue,
          store,
          concurrency: options.concurrency,
          lockDurationMs: settings.workerLockMs,
          logger,
        });
        await worker.worker.waitUntilReady();
        io.err(
          `trustmap worker: processing ${options.queue} with ${options.concurrency} at once; Ctrl-C to stop\n`,
        );
        // The first signal lets running jobs finish; a second one abandons them (BullMQ re-queues them).
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = (signal: NodeJS.Signals): void => {
            io.err(
              `trustmap worker: ${signal}, ${stopping ? 'abandoning running jobs' : 'finishing running jobs'}\n`,
            );
            void worker.close(stopping).then(resolve);
            stopping = true;
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      });
    });

  /** Serves the API and the built explorer until SIGINT/SIGTERM; prints the address. */
  async function serveExplorer(
    options: { host?: string; port?: number },
    root: string | undefined,
  ): Promise<void> {
    const settings = config();
    const host = options.host ?? settings.host;
    const port = options.port ?? settings.port;
    assertSafeBinding(host, settings.token);
    const logger = createLogger(settings.logLevel);
    const client = clientDir();
    await withStore(async (store) => {
      const app = createApp({
        store,
        config: settings,
        answers: settings,
        logger,
        cwd: io.cwd,
        version: packageVersion(),
        clientDir: client,
      });
      const server = app.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      const address = server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      const listening = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
      // People open the public address (TRUSTMAP_PUBLIC_URL, e.g. TLS in front) when one is set.
      const base = settings.publicUrl ?? listening;
      const via = settings.publicUrl === undefined ? '' : ` (listening on ${listening})`;
      if (client === undefined)
        io.out(
          `trustmap API on ${base}/api/health${via} (the explorer is not built: run npm run build)\n`,
        );
      else
        io.out(
          `trustmap explorer on ${base}/${root === undefined ? '' : `?root=${encodeURIComponent(root)}`}${via}\n`,
        );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  }

  const serveOptions = (command: Command): Command =>
    command
      .option('--host <host>', 'address to bind (default: TRUSTMAP_HOST)')
      .addOption(
        new Option('--port <port>', 'port (default: TRUSTMAP_PORT)').argParser(wholeNumber),
      );

  serveOptions(
    program
      .command('explore')
      .description('ingest and score packages, then serve the explorer and print its address')
      .argument(
        '<spec...>',
        'npm:<name>[@range], pypi:<name>[@version], package URLs, or lockfile, requirements or SBOM paths',
      )
      .option('--no-repos', "do not read the closure's repositories"),
  ).action(async (specs: string[], options: { host?: string; port?: number; repos: boolean }) => {
    const { code, roots, summary } = await runIngest(specs, {
      concurrency: 16,
      repos: options.repos,
    });
    if (code !== EXIT.ok && roots.length === 0) throw new ExitCode(code);
    if (options.repos) await runRepositories(false, summary.resolved);
    io.out(await withStore((store) => scoreStore(store, io.cwd)));
    await serveExplorer(options, roots[0]);
  });

  serveOptions(
    program.command('serve').description('serve the API and the browser explorer'),
  ).action(async (options: { host?: string; port?: number }) => {
    await serveExplorer(options, undefined);
  });

  addTrustCommands(program, {
    io,
    withStore: (work) => withStore(work),
    positiveInt,
  });

  return program;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isTrustmapError(error)) {
      io.err(`trustmap: ${error.message} [${error.code}]\n`);
      return error.code === 'CONFIG_INVALID' || error.code === 'INVALID_INPUT'
        ? EXIT.usage
        : EXIT.failed;
    }
    io.err(
      `trustmap: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}

/**
 * Ingest scale-out (issue 15 item 3): one generated registry (./generated-registry.ts) served on
 * loopback, the same ingest of its root run on a real Neo4j (tests/helpers/neo4j.ts's launcher)
 * with 1, 2 and 4 `trustmap worker` processes (dist/: `npm run -s build` first) and Redis at
 * REDIS_URL (a queue of its own, obliterated after), Neo4j emptied between runs; then in-process on
 * the embedded store and on Neo4j. Prints wall time, packages/s and relationships/s, and the CPU
 * each process used (from /proc) with Redis's commands, to show what bounds it. Asserts nothing,
 * but says when a run lost jobs, stored a key twice or disagrees with the others.
 *
 *   npx tsx bench/scale-out.ts [--packages 20000] [--seed 15] [--workers 1,2,4] [--concurrency 8]
 *                              [--no-embedded] [--no-neo4j-inprocess]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Neo4jConfig } from '../core/config.js';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../graph/neo4j/neo4j-store.js';
import type { GraphStore } from '../graph/store.js';
import { ingestWithWorkers, redisConnection } from '../ingest/queue/distributed.js';
import { ingest } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import { buildNeo4jLauncher, clearNeo4j, startNeo4j } from '../tests/helpers/neo4j.js';
import { generateRegistry, serveGeneratedRegistry } from './generated-registry.js';

const { values: args } = parseArgs({
  options: {
    packages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '15' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '8' },
    'no-embedded': { type: 'boolean', default: false },
    'no-neo4j-inprocess': { type: 'boolean', default: false },
  },
});
const PACKAGES = Number(args.packages);
const WORKER_COUNTS = args.workers
  .split(',')
  .filter((n) => n !== '')
  .map(Number);
const CONCURRENCY = Number(args.concurrency);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAIN = path.resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const TICKS = 100; // USER_HZ on Linux
const Q = { rowLimit: 10, timeoutMs: 600_000 };

/** CPU seconds a process and its waited-for children used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 (1-based), 11-14 after pid, comm and state.
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0) / TICKS;
  } catch {
    return 0;
  }
}

/** Processes whose parent is `ppid` (the Neo4j JVM, the embedded store's host). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid)
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function processesNamed(comm: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function load(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

async function redisCommands(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

async function count(store: GraphStore, cypher: string): Promise<number> {
  const result = await store.query(cypher, {}, Q);
  return Number(Object.values(result.rows[0] ?? {})[0] ?? 0);
}

interface StoreCounts {
  nodes: number;
  relationships: number;
  /** One per dependency edge of the tree: with the root, the jobs a worker run has. */
  resolvesTo: number;
  duplicateKeys: number;
}

async function storeCounts(store: GraphStore): Promise<StoreCounts> {
  return {
    nodes: await count(store, 'MATCH (n) RETURN count(n) AS c'),
    relationships: await count(store, 'MATCH ()-[r]->() RETURN count(r) AS c'),
    resolvesTo: await count(store, 'MATCH ()-[r:RESOLVES_TO]->() RETURN count(r) AS c'),
    duplicateKeys: await count(
      store,
      'MATCH (n) WITH n.key AS key, count(*) AS c WHERE c > 1 RETURN count(key) AS d',
    ),
  };
}

interface RunResult {
  label: string;
  wallS: number;
  /** Seconds until the first job was taken (workers) or null (in-process). */
  firstJobS: number | null;
  packages: number;
  versions: number;
  failures: number;
  counts: StoreCounts;
  cpu: Record<string, number>;
  redisCommands: number;
  loadBefore: string;
  loadAfter: string;
}

const registry = generateRegistry(PACKAGES, Number(args.seed));
const served = await serveGeneratedRegistry(registry);
const roots = [parseRootSpec(`npm:${registry.root}@latest`, process.cwd())];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const redisPid = processesNamed('redis-server')[0];
console.log(
  `scale-out: ${PACKAGES} generated packages (${registry.versions} versions, ${registry.edges} ` +
    `dependency edges) at ${served.url}; ${os.cpus().length} cores, load ${load()}`,
);

const launcher = await buildNeo4jLauncher();
if (launcher.kind === 'unavailable') throw new Error(`no Neo4j: ${launcher.reason}`);
const before = new Set(childrenOf(process.pid));
const neo4jServer = await startNeo4j(launcher);
const jvm = childrenOf(process.pid).find((pid) => !before.has(pid));
console.log(`Neo4j ${neo4jServer.version} at ${neo4jServer.config.uri} (JVM pid ${jvm ?? '?'})`);
const neo4jConfig: Neo4jConfig = neo4jServer.config;
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-scale-out-'));

/** Measures one run: CPU of the named processes and Redis commands over `body`. */
async function measure(
  label: string,
  pids: () => Record<string, number[]>,
  body: () => Promise<{
    packages: number;
    versions: number;
    failures: number;
    firstJobS: number | null;
  }>,
  store: () => Promise<StoreCounts>,
): Promise<RunResult> {
  const loadBefore = load();
  const cpuOf = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, list] of Object.entries(pids()))
      out[name] = list.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const self = process.cpuUsage();
    out['bench (initiator, registry)'] = (self.user + self.system) / 1e6;
    return out;
  };
  const cpu0 = cpuOf();
  const commands0 = await redisCommands(redis);
  const started = performance.now();
  const outcome = await body();
  const wallS = (performance.now() - started) / 1000;
  const cpu1 = cpuOf();
  const commands = (await redisCommands(redis)) - commands0;
  const cpu: Record<string, number> = {};
  for (const [name, value] of Object.entries(cpu1)) cpu[name] = value - (cpu0[name] ?? 0);
  const result: RunResult = {
    label,
    wallS,
    ...outcome,
    counts: await store(),
    cpu,
    redisCommands: commands,
    loadBefore,
    loadAfter: load(),
  };
  console.log(JSON.stringify(result));
  return result;
}

function spawnWorker(queue: string, index: number, stderr: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [MAIN, 'worker', '--queue', queue, '--concurrency', String(CONCURRENCY)],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TRUSTMAP_DB: path.join(tempRoot, `unused-${index}.grafeo`),
        NEO4J_URI: neo4jConfig.uri,
        NEO4J_USER: neo4jConfig.user,
        NEO4J_PASSWORD: neo4jConfig.password,
        NEO4J_DATABASE: neo4jConfig.database,
        REDIS_URL,
        TRUSTMAP_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return child;
}

async function untilReady(stderr: string[], n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (stderr.join('').split('trustmap worker: processing').length - 1 < n) {
    if (Date.now() > deadline) throw new Error(`workers did not start: ${stderr.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withNeo4jStore<T>(body: (store: Neo4jStore) => Promise<T>): Promise<T> {
  const store = await Neo4jStore.open(neo4jConfig);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

const results: RunResult[] = [];
try {
  for (const n of WORKER_COUNTS) {
    await clearNeo4j(neo4jConfig);
    const queueName = `trustmap-bench-scale-out-${randomUUID()}`;
    const stderr: string[] = [];
    const workers = Array.from({ length: n }, (_, i) => spawnWorker(queueName, i, stderr));
    try {
      await untilReady(stderr, n);
      const servedBefore = served.requests();
      let firstJobAt: number | null = null;
      const timer = setInterval(() => {
        // The initiator fetches each packument once while it places the tree; the workers'
        // first fetch is the first job running.
        if (firstJobAt === null && served.requests() > servedBefore + PACKAGES)
          firstJobAt = performance.now();
      }, 20);
      const startedAt = performance.now();
      results.push(
        await measure(
          `${n} worker${n === 1 ? '' : 's'} -> Neo4j`,
          () => ({
            'Neo4j JVM': jvm === undefined ? [] : [jvm],
            workers: workers.map((w) => w.pid ?? 0),
            'redis-server (whole machine)': redisPid === undefined ? [] : [redisPid],
          }),
          async () => {
            const summary = await ingestWithWorkers({
              redisUrl: REDIS_URL,
              queueName,
              roots,
              registry: served.url,
              pollMs: 200,
              concurrency: 16,
            });
            clearInterval(timer);
            return {
              packages: summary.coverage.packages,
              versions: summary.resolved.length,
              failures: summary.failures.length,
              firstJobS: firstJobAt === null ? null : (firstJobAt - startedAt) / 1000,
            };
          },
          () => withNeo4jStore(storeCounts),
        ),
      );
      const problems = stderr
        .join('')
        .split('\n')
        .filter((line) => /error|fail/i.test(line));
      if (problems.length > 0) console.log(`workers' errors:\n${problems.slice(0, 20).join('\n')}`);
    } finally {
      await Promise.all(
        workers.map(async (child) => {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }),
      );
      const connection = redisConnection(REDIS_URL);
      const queue = new Queue(queueName, { connection });
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  }

  const inProcess = async (
    label: string,
    open: () => Promise<GraphStore>,
    host: () => number[],
  ) => {
    const store = await open();
    try {
      results.push(
        await measure(
          label,
          () => ({
            'Neo4j JVM': jvm === undefined ? [] : [jvm],
            'embedded store host': host(),
          }),
          async () => {
            const summary = await ingest({ roots, store, registry: served.url, concurrency: 16 });
            return {
              packages: summary.coverage.packages,
              versions: summary.resolved.length,
              failures: summary.failures.length,
              firstJobS: null,
            };
          },
          () => storeCounts(store),
        ),
      );
    } finally {
      await store.close();
    }
  };
  if (!args['no-embedded']) {
    const others = new Set([...childrenOf(process.pid)]);
    await inProcess(
      'in-process -> embedded',
      () => EmbeddedStore.open(path.join(tempRoot, 'graph.grafeo')),
      () => childrenOf(process.pid).filter((pid) => !others.has(pid)),
    );
  }
  if (!args['no-neo4j-inprocess']) {
    await clearNeo4j(neo4jConfig);
    await inProcess(
      'in-process -> Neo4j',
      () => Neo4jStore.open(neo4jConfig),
      () => [],
    );
  }
} finally {
  await neo4jServer.stop();
  await served.close();
  redis.disconnect();
  fs.rmSync(tempRoot, { recursive: true, force: true });
}

console.log(
  `\n| run | wall s | first job s | packages | versions | nodes | relationships | pkg/s | rel/s | jobs/s | ` +
    `CPU s (by process) | Redis cmds | dup keys | failures | load before -> after |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const r of results) {
  const cpu = Object.entries(r.cpu)
    .filter(([, s]) => s > 0.05)
    .map(([name, s]) => `${name} ${s.toFixed(0)}`)
    .join(', ');
  console.log(
    `| ${r.label} | ${r.wallS.toFixed(1)} | ${r.firstJobS === null ? '-' : r.firstJobS.toFixed(1)} | ` +
      `${r.packages} | ${r.versions} | ${r.counts.nodes} | ${r.counts.relationships} | ` +
      `${(r.packages / r.wallS).toFixed(0)} | ${(r.counts.relationships / r.wallS).toFixed(0)} | ` +
      `${((r.counts.resolvesTo + 1) / r.wallS).toFixed(0)} | ${cpu} | ` +
      `${r.redisCommands} | ${r.counts.duplicateKeys} | ${r.failures} | ${r.loadBefore} -> ${r.loadAfter} |`,
  );
}
const shapes = new Set(
  results.map((r) => `${r.versions}/${r.counts.nodes}/${r.counts.relationships}`),
);
if (shapes.size > 1)
  console.log('\nWARNING: the runs disagree (versions/nodes/relationships):', [...shapes]);

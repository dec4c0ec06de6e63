/**
 * A `trustmap worker` killed with SIGKILL at a point the test observes, not after a timer: the
 * worker talks to the real Redis through a loopback proxy that holds the first command matching a
 * pattern (so Redis never runs it) and tells the test, which then kills the worker. A fresh worker
 * must finish the run, and the graph must be the one an in-process ingest of the same spec writes.
 * Killed after a job has marked a package as done and before its records are stored, the re-run
 * must still write them; killed after its records are stored and before the job is settled, the
 * re-run must settle it and the run must end. (The initiator places the tree and enqueues every
 * job, ingest/npm-tree.ts; workers enqueue nothing.) Each test uses a random queue name, obliterated after.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import { ingestWithWorkers } from '../../ingest/queue/distributed.js';
import { ingest, type IngestSummary } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { randomQueueName, REDIS_URL, requireRedis } from '../helpers/redis-queue.js';
import { graphSnapshot } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';
import { processes, waitUntil } from '../helpers/wait.js';
import { spawnWorker } from './worker-process.js';

const SPEC = 'npm:yargs@16.1.0';
let registry: FixtureRegistry;
const cleanups: (() => Promise<void> | void)[] = [];
let expected: { summary: IngestSummary; graph: Graph };

interface Graph {
  versions: string[];
  resolvesTo: string[];
  snapshot: Awaited<ReturnType<typeof graphSnapshot>>;
}

/** What the comparison looks at: name@version keys, RESOLVES_TO edges, then everything. */
async function graphOf(store: GraphStore): Promise<Graph> {
  const options = { rowLimit: 100_000, timeoutMs: 30_000 };
  const versions = await store.query(
    'MATCH (v:Version) RETURN v.key AS key ORDER BY key',
    {},
    options,
  );
  const edges = await store.query(
    'MATCH (a)-[r:RESOLVES_TO]->(b) RETURN a.key AS a, b.key AS b, r.root AS root, r.range AS range ORDER BY a, b, root',
    {},
    options,
  );
  return {
    versions: versions.rows.map((row) => JSON.stringify(row.key)),
    resolvesTo: edges.rows.map((row) => JSON.stringify(row)),
    snapshot: await graphSnapshot(store),
  };
}

beforeAll(async () => {
  await requireRedis();
  registry = await startFixtureRegistry();
  const { dir, cleanup } = tempDir();
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  const summary = await ingest({
    roots: [parseRootSpec(SPEC, process.cwd())],
    store,
    registry: registry.url,
    concurrency: 4,
  });
  expected = { summary, graph: await graphOf(store) };
  await store.close();
  cleanup();
});
afterAll(async () => {
  await registry.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A TCP proxy in front of Redis. `holdWhen` arms it: the first chunk a client sends that matches
 * (with the tail of what that connection sent before, so a command split over two chunks still
 * matches) is not forwarded, nor is anything after it on any connection, as if the process had
 * died just before sending it; the returned promise resolves then.
 */
async function startRedisTap(upstream: string): Promise<{
  url: string;
  holdWhen: (matches: (sent: string) => boolean) => Promise<void>;
  close: () => void;
}> {
  const target = new URL(upstream);
  const sockets = new Set<net.Socket>();
  let armed: { matches: (sent: string) => boolean; held: () => void } | undefined;
  let frozen = false;
  const server = net.createServer((client) => {
    const redis = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, redis]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => redis.destroy());
    redis.on('close', () => client.destroy());
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      const sent = tail + chunk.toString('latin1');
      tail = sent.slice(-512);
      if (armed?.matches(sent) === true) {
        frozen = true;
        armed.held();
        return;
      }
      redis.write(chunk);
    });
    redis.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    holdWhen: (matches) =>
      new Promise<void>((resolve) => {
        armed = { matches, held: resolve };
      }),
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const randomQueue = (): string => randomQueueName((cleanup) => cleanups.push(cleanup));

/** A worker process on `queue`, killed after the test if it is still running. */
function startWorker(queue: string, db: string, redisUrl: string, stderr: string[]): ChildProcess {
  const child = spawnWorker({ queue, db, redisUrl, concurrency: 1, stderr });
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  return child;
}

/**
 * Runs SPEC on workers: the first, behind the tap, is killed when the tap holds a command that
 * `matches`; then a fresh one (straight to Redis) must finish the run. Returns the run's summary
 * and the graph in the store.
 */
async function runKilledAt(
  matches: (sent: string, queue: string) => boolean,
): Promise<{ summary: IngestSummary; graph: Graph }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const file = path.join(dir, 'graph.grafeo');
  const queue = randomQueue();
  const tap = await startRedisTap(REDIS_URL);
  cleanups.push(() => {
    tap.close();
  });
  const stderr: string[] = [];
  cleanups.push(() => {
    if (stderr.some((line) => /error/i.test(line))) console.error(stderr.join(''));
  });
  const held = tap.holdWhen((sent) => matches(sent, queue));
  const first = startWorker(queue, file, tap.url, stderr);
  const run = ingestWithWorkers({
    redisUrl: REDIS_URL,
    queueName: queue,
    roots: [parseRootSpec(SPEC, process.cwd())],
    registry: registry.url,
    pollMs: 50,
    timeoutMs: 45_000,
  });
  run.catch(() => undefined); // awaited below; not an unhandled rejection while we wait
  await Promise.race([
    held,
    run.then(() => {
      throw new Error('the run ended before the worker reached the kill point');
    }),
  ]);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  tap.close();
  // Its store host sees it gone and lets go of the file.
  await waitUntil("the killed worker's store host to exit", () => processes(file).length === 0);
  const second = startWorker(queue, file, REDIS_URL, stderr);
  const summary = await run;
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));
  const store = await EmbeddedStore.open(file);
  try {
    return { summary, graph: await graphOf(store) };
  } finally {
    await store.close();
  }
}

function expectTheSameIngest(actual: { summary: IngestSummary; graph: Graph }): void {
  expect(actual.summary.failures).toEqual([]);
  expect(actual.summary.resolved).toEqual(expected.summary.resolved);
  expect(actual.graph.versions).toEqual(expected.graph.versions);
  expect(actual.graph.resolvesTo).toEqual(expected.graph.resolvesTo);
  expect(actual.graph.snapshot).toEqual(expected.graph.snapshot);
  expect(actual.summary.coverage).toEqual(expected.summary.coverage);
}

describe('a worker killed with SIGKILL mid-job', () => {
  it('after a job marked its package done and before its records were stored: the re-run stores them', async () => {
    // cliui's job has marked its package (its records are in the job's write batch) when it marks
    // its version; the batch is stored only after that.
    const killed = await runKilledAt((sent) => sent.includes('version:pkg:npm/cliui@'));
    expectTheSameIngest(killed);
  }, 120_000);

  it('after its records were stored and before it was settled: the re-run settles it and the run ends', async () => {
    // y18n's job has stored its records when it adds its version to the run's resolved set.
    const killed = await runKilledAt(
      (sent) => sent.includes(':resolved') && sent.includes('pkg:npm/y18n@'),
    );
    expectTheSameIngest(killed);
  }, 120_000);
});

/**
 * Ingest on BullMQ with several `trustmap worker` processes writing into one real Neo4j at once,
 * which the embedded store cannot do (one process owns its file): the graph must be the one an
 * in-process ingest gives, with no key stored twice. Redis at REDIS_URL is needed (a failure, not
 * a skip); Neo4j as tests/helpers/neo4j.ts starts it.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import { ingestWithWorkers } from '../../ingest/queue/distributed.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { canonicalRows, graphSnapshot } from '../helpers/graph-snapshot.js';
import { clearNeo4j, useNeo4j } from '../helpers/neo4j.js';
import { randomQueueName, REDIS_URL, useQueueSuite } from '../helpers/redis-queue.js';
import { tempDir } from '../helpers/temp.js';
import { spawnWorker } from './worker-process.js';

const neo4j = useNeo4j('Neo4j worker tests');
const suite = useQueueSuite();
const { cleanups } = suite;
const SPECS = ['npm:yargs@16.1.0', 'npm:rimraf@3.0.2', 'npm:chalk@4.1.0', 'npm:is-number@4.0.0'];
const WORKERS = 3;
const Q = { rowLimit: 100_000, timeoutMs: 30_000 };

describe.skipIf(neo4j.skip !== undefined)('ingest on BullMQ workers into Neo4j', () => {
  it(`${WORKERS} worker processes at once give the graph of an in-process ingest`, async () => {
    const roots = SPECS.map((spec) => parseRootSpec(spec, process.cwd()));
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const local = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    const inProcess = await ingest({ roots, store: local, registry: suite.registry.url });
    const expected = await graphSnapshot(local);
    await local.close();

    await clearNeo4j(neo4j.config());
    const queueName = randomQueueName((cleanup) => cleanups.push(cleanup));
    // Slow answers, so that every worker has jobs in flight while the others write.
    suite.registry.delayMs = 30;
    cleanups.push(() => {
      suite.registry.delayMs = 0;
    });
    const stderr: string[] = [];
    const workers: ChildProcess[] = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const child = spawnWorker({
        queue: queueName,
        db: path.join(temp.dir, `unused-${i}.grafeo`),
        neo4j: neo4j.config(),
        redisUrl: REDIS_URL,
        concurrency: 4,
        stderr,
      });
      workers.push(child);
      cleanups.push(() => {
        child.kill('SIGKILL');
      });
    }
    const summary = await ingestWithWorkers({
      redisUrl: REDIS_URL,
      queueName,
      roots,
      registry: suite.registry.url,
      pollMs: 50,
      timeoutMs: 90_000,
    });
    await Promise.all(
      workers.map(async (child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    // The workers say only that they started and stopped: no error.
    expect(
      stderr
        .join('')
        .split('\n')
        .filter((line) => /error|fail/i.test(line)),
    ).toEqual([]);
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(inProcess.resolved);
    expect(summary.coverage).toEqual(inProcess.coverage);

    const store = await Neo4jStore.open(neo4j.config());
    cleanups.push(() => store.close());
    const actual = await graphSnapshot(store);
    expect(actual.nodes.length).toBeGreaterThan(100);
    expect(canonicalRows(actual.nodes)).toEqual(canonicalRows(expected.nodes));
    expect(canonicalRows(actual.relationships)).toEqual(canonicalRows(expected.relationships));
    const duplicates = await store.query(
      'MATCH (n) WITH n.key AS key, count(*) AS c WHERE c > 1 RETURN key',
      {},
      Q,
    );
    expect(duplicates.rows).toEqual([]);
  }, 150_000);
});

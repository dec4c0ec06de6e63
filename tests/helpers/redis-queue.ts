/**
 * The real Redis the queue tests need (REDIS_URL, default redis://127.0.0.1:6379), and queues
 * with random names that are obliterated after the test. Redis missing is a failure, not a skip.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { commandContext } from '../../cli/context.js';
import { showStatus } from '../../cli/ingest-status.js';
import { redisConnection } from '../../ingest/queue/distributed.js';
import { startFixtureRegistry, type FixtureRegistry } from './fixture-registry.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throws, saying what to start, unless Redis answers at REDIS_URL within 3 s. */
export async function requireRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL}: these tests need it (start redis-server)`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

/** A fresh queue name; `onCleanup` is handed what removes the queue and everything in it. */
export function randomQueueName(onCleanup: (cleanup: () => Promise<void>) => void): string {
  const name = `trustmap-test-${randomUUID()}`;
  onCleanup(async () => {
    const connection = redisConnection(REDIS_URL);
    const queue = new Queue(name, { connection });
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });
  return name;
}

/**
 * What `trustmap ingest --status [runId] [--json]` prints, run from the sources (the CLI's dist
 * build may be older than them). Throws if it writes to stderr.
 */
export async function ingestStatus(runId: string | undefined, json: boolean): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    env: { REDIS_URL },
    cwd: process.cwd(),
    out: (text: string) => out.push(text),
    err: (text: string) => err.push(text),
  };
  await showStatus(commandContext(io), runId, json);
  if (err.length > 0) throw new Error(`--status wrote to stderr: ${err.join('')}`);
  return out.join('');
}

/** What a queue test file shares: the fixture registry and the cleanups of the running test. */
export interface QueueSuite {
  readonly registry: FixtureRegistry;
  /** Run after each test, last first. */
  cleanups: (() => Promise<void> | void)[];
}

/**
 * For a queue test file (call at its top level): Redis checked and a fixture registry started
 * before its tests, the registry closed after them, each test's cleanups run after it.
 */
export function useQueueSuite(): QueueSuite {
  let registry: FixtureRegistry | undefined;
  const suite: QueueSuite = {
    get registry(): FixtureRegistry {
      if (registry === undefined) throw new Error('the fixture registry starts in beforeAll');
      return registry;
    },
    cleanups: [],
  };
  beforeAll(async () => {
    await requireRedis();
    registry = await startFixtureRegistry();
  });
  afterAll(async () => {
    await registry?.close();
  });
  afterEach(async () => {
    for (const cleanup of suite.cleanups.splice(0).reverse()) await cleanup();
  });
  return suite;
}

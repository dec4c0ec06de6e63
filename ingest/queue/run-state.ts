/**
 * The state of one distributed ingest run, in Redis, shared by the process that started it and
 * every worker: what has been done (so each thing is done once), what was resolved, what failed,
 * coverage counters, and how many jobs are still outstanding (0 means the run is complete).
 * Runs are kept for a week so `trustmap ingest --status` can list them and their failures.
 */
import type { Redis } from 'ioredis';
import type { Failure, SeenSet } from '../npm-closure.js';
import type { Coverage } from '../run-ingest.js';

export const RUN_TTL_SECONDS = 7 * 24 * 3600;
const RUNS_INDEX = 'trustmap:runs';

export interface RunMeta {
  runId: string;
  queue: string;
  specs: string[];
  startedAt: string;
  finishedAt?: string;
}

export class RunState implements SeenSet {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    readonly runId: string,
  ) {
    this.prefix = `trustmap:run:${runId}:`;
  }

  async start(meta: RunMeta): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.prefix}meta`, JSON.stringify(meta), 'EX', RUN_TTL_SECONDS)
      .set(`${this.prefix}outstanding`, '0', 'EX', RUN_TTL_SECONDS)
      .zadd(RUNS_INDEX, Date.parse(meta.startedAt), this.runId)
      .exec();
  }

  async add(member: string): Promise<boolean> {
    const added = await this.redis.sadd(`${this.prefix}seen`, member);
    return added === 1;
  }

  /** Takes marks back: a job that failed before its records were stored must be done again. */
  async remove(members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.srem(`${this.prefix}seen`, ...members);
  }

  async jobAdded(): Promise<void> {
    await this.redis.incr(`${this.prefix}outstanding`);
  }

  async jobDone(): Promise<number> {
    return this.redis.decr(`${this.prefix}outstanding`);
  }

  async outstanding(): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}outstanding`)) ?? 0);
  }

  async resolved(key: string, rootSpec: string | undefined): Promise<void> {
    const multi = this.redis.multi().sadd(`${this.prefix}resolved`, key);
    if (rootSpec !== undefined) multi.hset(`${this.prefix}roots`, rootSpec, key);
    await multi.exec();
  }

  async failed(failure: Failure): Promise<void> {
    await this.redis.rpush(`${this.prefix}failures`, JSON.stringify(failure));
  }

  async covered(coverage: Partial<Coverage>): Promise<void> {
    const multi = this.redis.multi();
    for (const [field, value] of Object.entries(coverage))
      multi.hincrby(`${this.prefix}coverage`, field, value);
    await multi.exec();
  }

  async finish(): Promise<void> {
    const meta = await this.meta();
    const multi = this.redis.multi();
    if (meta !== undefined)
      multi.set(
        `${this.prefix}meta`,
        JSON.stringify({ ...meta, finishedAt: new Date().toISOString() }),
      );
    for (const name of ['meta', 'outstanding', 'resolved', 'failures', 'coverage', 'roots']) {
      multi.expire(`${this.prefix}${name}`, RUN_TTL_SECONDS);
    }
    // What was done is only needed while the run goes on.
    multi.del(`${this.prefix}seen`);
    await multi.exec();
  }

  async meta(): Promise<RunMeta | undefined> {
    const raw = await this.redis.get(`${this.prefix}meta`);
    return raw === null ? undefined : (JSON.parse(raw) as RunMeta);
  }

  async report(): Promise<{
    resolved: string[];
    failures: Failure[];
    coverage: Coverage;
    roots: Record<string, string>;
  }> {
    const [resolved, failures, coverage, roots] = await Promise.all([
      this.redis.smembers(`${this.prefix}resolved`),
      this.redis.lrange(`${this.prefix}failures`, 0, -1),
      this.redis.hgetall(`${this.prefix}coverage`),
      this.redis.hgetall(`${this.prefix}roots`),
    ]);
    const count = (field: keyof Coverage): number => Number(coverage[field] ?? 0);
    return {
      resolved: resolved.sort(),
      failures: failures.map((f) => JSON.parse(f) as Failure),
      coverage: {
        packages: count('packages'),
        maintainersKnown: count('maintainersKnown'),
        timesKnown: count('timesKnown'),
        versions: count('versions'),
        publishersKnown: count('publishersKnown'),
      },
      roots,
    };
  }

  /** The most recent runs, newest first. */
  static async recent(redis: Redis, limit = 20): Promise<string[]> {
    return redis.zrevrange(RUNS_INDEX, 0, limit - 1);
  }
}

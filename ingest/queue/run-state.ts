/**
 * The state of one distributed ingest run, in Redis, shared by the process that started it and
 * every worker. Any worker may die (SIGKILL) between any two commands, and BullMQ then runs its job
 * again under the same id; so every write here is either atomic or safe to make twice:
 *
 * - `seen` (hash member -> job id): what has been done, so each thing is done once. A mark is
 *   owned: HSETNX sets it, and `add` answers true to the job that set it, every time that job asks
 *   again. A job re-run after its worker died before storing its records redoes its own work (and
 *   only its own); the others still skip it. (A set would answer "already seen" to the re-run, and
 *   the records it never stored would be lost.)
 * - `pending` (set of job ids): the run's outstanding jobs; the run is complete when it is empty. A
 *   parent adds a child's id before handing the child to BullMQ (with the same deterministic id),
 *   and a job removes its own id as its very last step, after its children are added; both are
 *   idempotent, so a parent re-run after a crash adds its children again and nothing is counted
 *   twice or lost. (A counter, INCR'd and DECR'd, is off for good when a worker dies between the
 *   count and the add.)
 * - `done` (set of job ids): jobs that finished, completed or failed for good. Adding a done job
 *   again is a no-op, atomically with the pending check, so a re-run parent does not re-run the
 *   children BullMQ already completed and removed (`removeOnComplete`).
 * - `resolved` (set), `roots` (hash), `failures` (hash job id -> failure) and `coverage` (hash
 *   package -> its counts, summed when read): keyed by what they count, so a re-run writes the
 *   same fields again instead of counting twice.
 *
 * Runs are kept for a week so `trustmap ingest --status` can list them and their failures.
 */
import type { Redis } from 'ioredis';
import type { Failure, SeenSet } from '../npm-closure.js';
import type { Coverage } from '../run-ingest.js';

export const RUN_TTL_SECONDS = 7 * 24 * 3600;
const RUNS_INDEX = 'trustmap:runs';
const KEPT = ['meta', 'resolved', 'failures', 'coverage', 'roots'] as const;
/** Only needed while the run goes on. */
const DROPPED = ['seen', 'pending', 'done'] as const;

/** KEYS[1] the seen hash; ARGV member, owner. 1 if the mark is (now) the owner's. */
const MARK = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return 1 end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 1 end
return 0`;
/** KEYS[1] the seen hash; ARGV owner, members...: drops those of the marks the owner holds. */
const UNMARK = `
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0`;
/** KEYS[1] done, KEYS[2] pending; ARGV id. 1 if the job is to be added (not done yet). */
const PEND = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

interface Scripts {
  trustmapMark(seen: string, member: string, owner: string): Promise<number>;
  trustmapUnmark(seen: string, owner: string, ...members: string[]): Promise<number>;
  trustmapPend(done: string, pending: string, id: string): Promise<number>;
}

function scripts(redis: Redis): Scripts {
  const withScripts = redis as Redis & Partial<Scripts>;
  if (withScripts.trustmapMark === undefined) {
    redis.defineCommand('trustmapMark', { numberOfKeys: 1, lua: MARK });
    redis.defineCommand('trustmapUnmark', { numberOfKeys: 1, lua: UNMARK });
    redis.defineCommand('trustmapPend', { numberOfKeys: 2, lua: PEND });
  }
  return redis as Redis & Scripts;
}

export interface RunMeta {
  runId: string;
  queue: string;
  specs: string[];
  startedAt: string;
  finishedAt?: string;
}

export interface RunReport {
  resolved: string[];
  failures: Failure[];
  coverage: Coverage;
  roots: Record<string, string>;
}

export class RunState {
  private readonly prefix: string;
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    readonly runId: string,
  ) {
    this.prefix = `trustmap:run:${runId}:`;
    this.scripts = scripts(redis);
  }

  private key(name: (typeof KEPT)[number] | (typeof DROPPED)[number]): string {
    return `${this.prefix}${name}`;
  }

  async start(meta: RunMeta): Promise<void> {
    await this.redis
      .multi()
      .set(this.key('meta'), JSON.stringify(meta), 'EX', RUN_TTL_SECONDS)
      .zadd(RUNS_INDEX, Date.parse(meta.startedAt), this.runId)
      .exec();
  }

  /** Marks `member` as done by job `owner`: true if it was not done, or done by `owner` itself. */
  async add(member: string, owner: string): Promise<boolean> {
    return (await this.scripts.trustmapMark(this.key('seen'), member, owner)) === 1;
  }

  /** The run's marks as one job sees them (what `visit` is given). */
  seenBy(owner: string): SeenSet {
    return { add: (member) => this.add(member, owner) };
  }

  /** Takes back the marks `owner` holds among `members`, so another job may do them. */
  async remove(members: readonly string[], owner: string): Promise<void> {
    if (members.length > 0) await this.scripts.trustmapUnmark(this.key('seen'), owner, ...members);
  }

  /** Counts job `id` as outstanding, unless it is done: true if it is to be handed to BullMQ. */
  async jobAdded(id: string): Promise<boolean> {
    return (await this.scripts.trustmapPend(this.key('done'), this.key('pending'), id)) === 1;
  }

  /** Job `id` finished (completed or failed for good): a job's last step, safe to repeat. */
  async jobDone(id: string): Promise<void> {
    await this.redis.multi().sadd(this.key('done'), id).srem(this.key('pending'), id).exec();
  }

  async outstanding(): Promise<number> {
    return this.redis.scard(this.key('pending'));
  }

  /** Up to `count` of the outstanding jobs' ids. */
  async someOutstanding(count: number): Promise<string[]> {
    return this.redis.srandmember(this.key('pending'), count);
  }

  async resolved(key: string, rootSpec: string | undefined): Promise<void> {
    const multi = this.redis.multi().sadd(this.key('resolved'), key);
    if (rootSpec !== undefined) multi.hset(this.key('roots'), rootSpec, key);
    await multi.exec();
  }

  async resolvedCount(): Promise<number> {
    return this.redis.scard(this.key('resolved'));
  }

  /** Job `id`'s failure (one a job, so a re-run records it once). */
  async failed(id: string, failure: Failure): Promise<void> {
    await this.redis.hset(this.key('failures'), id, JSON.stringify(failure));
  }

  async failureCount(): Promise<number> {
    return this.redis.hlen(this.key('failures'));
  }

  /** The coverage of package `name` (counted once, however many jobs report it). */
  async covered(name: string, coverage: Coverage): Promise<void> {
    await this.redis.hset(this.key('coverage'), name, JSON.stringify(coverage));
  }

  async finish(): Promise<void> {
    const meta = await this.meta();
    const multi = this.redis.multi();
    if (meta !== undefined)
      multi.set(
        this.key('meta'),
        JSON.stringify({ ...meta, finishedAt: new Date().toISOString() }),
      );
    for (const name of KEPT) multi.expire(this.key(name), RUN_TTL_SECONDS);
    for (const name of DROPPED) multi.del(this.key(name));
    await multi.exec();
  }

  async meta(): Promise<RunMeta | undefined> {
    const raw = await this.redis.get(this.key('meta'));
    return raw === null ? undefined : (JSON.parse(raw) as RunMeta);
  }

  async report(): Promise<RunReport> {
    const [resolved, failures, coverage, roots] = await Promise.all([
      this.redis.smembers(this.key('resolved')),
      this.redis.hvals(this.key('failures')),
      this.redis.hvals(this.key('coverage')),
      this.redis.hgetall(this.key('roots')),
    ]);
    const total: Coverage = {
      packages: 0,
      maintainersKnown: 0,
      timesKnown: 0,
      versions: 0,
      publishersKnown: 0,
    };
    for (const raw of coverage) {
      const counts = JSON.parse(raw) as Coverage;
      for (const field of Object.keys(total) as (keyof Coverage)[]) total[field] += counts[field];
    }
    return {
      resolved: resolved.sort(),
      failures: failures
        .map((f) => JSON.parse(f) as Failure)
        .sort((a, b) => `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`)),
      coverage: total,
      roots,
    };
  }

  /** The most recent runs, newest first. */
  static async recent(redis: Redis, limit = 20): Promise<string[]> {
    return redis.zrevrange(RUNS_INDEX, 0, limit - 1);
  }
}

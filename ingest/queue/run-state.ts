/**
 * The state of one distributed ingest run, in Redis, shared by the process that started it and
 * every worker. Any worker may die (SIGKILL) between any two commands, and BullMQ then runs its job
 * again under the same id; so every write here is either atomic or safe to make twice:
 *
 * - `seen` (hash member -> job id): what has been done, so each thing is done once. A mark is
 *   owned: HSETNX sets it, and `add` answers true to the job that set it, every time that job asks
 *   again. A job re-run after its worker died before storing its records redoes its own work (and
 *   only its own); the others still skip it. (A set would answer "already seen" to the re-run, and
 *   the records it never stored would be lost.) Each job's new marks are also kept in its own set
 *   `marks:<job id>`, so a job failed for good (even one BullMQ failed for stalling, whose catch
 *   never ran) gives back those it still owns when it is settled, and its work is not skipped.
 * - `pending` (set of job ids): the run's outstanding jobs; the run is complete when it is empty. A
 *   parent adds a child's id before handing the child to BullMQ (with the same deterministic id),
 *   and a job removes its own id as its very last step, after its children are added; both are
 *   idempotent, so a parent re-run after a crash adds its children again and nothing is counted
 *   twice or lost. (A counter, INCR'd and DECR'd, is off for good when a worker dies between the
 *   count and the add.)
 * - `done` (set of job ids): jobs that finished, completed or failed for good. Adding a done job
 *   again is a no-op, atomically with the pending check, so a re-run parent does not re-run the
 *   children BullMQ already completed and removed (`removeOnComplete`); a done job run again
 *   (stalled after its last step) returns at once. Settling is one script that acts only if the
 *   job was still pending, so the processor, the `failed` event and the initiator may all try.
 * - `resolved` (set), `roots` (hash), `failures` (hash job id -> failure) and `coverage` (hash
 *   package -> its counts, summed when read): keyed by what they count, so a re-run writes the
 *   same fields again instead of counting twice.
 *
 * Every key is under `trustmap:run:v2:{<run id>}:` (the shape's version; the hash tag puts a run's
 * keys in one Redis Cluster slot, as the scripts need) and is given the run's TTL as it is written,
 * so a run whose initiator was stopped expires too; nothing is deleted when the run finishes. Runs
 * are kept for a week so `trustmap ingest --status` can list them and their failures; runs an older
 * trustmap recorded (`trustmap:run:<id>:`, other types) are named there, not read.
 */
import type { Redis } from 'ioredis';
import type { Failure, SeenSet } from '../npm-closure.js';
import type { Coverage } from '../run-ingest.js';

export const RUN_TTL_SECONDS = 7 * 24 * 3600;
const RUNS_INDEX = 'trustmap:runs';
/**
 * The shape of the keys below. An older trustmap kept a run under `trustmap:run:<id>:` with other
 * types (failures a list, coverage bare numbers); those runs are recognised and left alone.
 */
export const STATE_VERSION = 2;
type KeyName =
  'meta' | 'seen' | 'pending' | 'done' | 'resolved' | 'failures' | 'coverage' | 'roots';

/**
 * KEYS[1] seen, KEYS[2] the owner's marks; ARGV member, owner, ttl. 1 if the mark is (now) the
 * owner's; a new mark is also kept in the owner's own set, so it can be given back.
 */
const MARK = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return 1
end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 1 end
return 0`;
/** KEYS[1] seen, KEYS[2] the owner's marks; ARGV owner, members...: gives back the owner's. */
const UNMARK = `
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('SREM', KEYS[2], ARGV[i])
end
return 0`;
/** KEYS[1] done, KEYS[2] pending; ARGV id, ttl. 1 if the job is to be added (not done yet). */
const PEND = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;
/**
 * KEYS[1] pending, KEYS[2] done, KEYS[3] failures, KEYS[4] seen, KEYS[5] the job's marks; ARGV id,
 * ttl, failure ('' for none). Settles the job once: only if it was still pending. A job failed for
 * good (a failure given) gives back the marks it still owns, so its work is not skipped by others.
 * 1 if this call settled it.
 */
const SETTLE = `
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[2])
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    if redis.call('HGET', KEYS[4], member) == ARGV[1] then redis.call('HDEL', KEYS[4], member) end
  end
end
redis.call('DEL', KEYS[5])
return 1`;

interface Scripts {
  trustmapMark(
    seen: string,
    marks: string,
    member: string,
    owner: string,
    ttl: number,
  ): Promise<number>;
  trustmapUnmark(seen: string, marks: string, owner: string, ...members: string[]): Promise<number>;
  trustmapPend(done: string, pending: string, id: string, ttl: number): Promise<number>;
  trustmapSettle(
    pending: string,
    done: string,
    failures: string,
    seen: string,
    marks: string,
    id: string,
    ttl: number,
    failure: string,
  ): Promise<number>;
}

function scripts(redis: Redis): Scripts {
  const withScripts = redis as Redis & Partial<Scripts>;
  if (withScripts.trustmapSettle === undefined) {
    redis.defineCommand('trustmapMark', { numberOfKeys: 2, lua: MARK });
    redis.defineCommand('trustmapUnmark', { numberOfKeys: 2, lua: UNMARK });
    redis.defineCommand('trustmapPend', { numberOfKeys: 2, lua: PEND });
    redis.defineCommand('trustmapSettle', { numberOfKeys: 5, lua: SETTLE });
  }
  return redis as Redis & Scripts;
}

/** Failures in a fixed order: name@spec, then parent, then code. */
export function byFailure(a: Failure, b: Failure): number {
  return (
    `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`) ||
    (a.parent ?? '').localeCompare(b.parent ?? '') ||
    a.code.localeCompare(b.code)
  );
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

/** What `trustmap ingest --status` finds under a run id. */
export type RunShape = 'current' | 'older' | 'missing';

export class RunState {
  private readonly prefix: string;
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    readonly runId: string,
  ) {
    // The hash tag keeps a run's keys in one Redis Cluster slot, as its scripts need.
    this.prefix = `trustmap:run:v${STATE_VERSION}:{${runId}}:`;
    this.scripts = scripts(redis);
  }

  /** The key of one of the run's structures (for tests and tools that look at Redis). */
  key(name: KeyName): string {
    return `${this.prefix}${name}`;
  }

  private marks(owner: string): string {
    return `${this.prefix}marks:${owner}`;
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
    const mark = await this.scripts.trustmapMark(
      this.key('seen'),
      this.marks(owner),
      member,
      owner,
      RUN_TTL_SECONDS,
    );
    return mark === 1;
  }

  /** The run's marks as one job sees them (what `visit` is given). */
  seenBy(owner: string): SeenSet {
    return { add: (member) => this.add(member, owner) };
  }

  /** Takes back the marks `owner` holds among `members`, so another job may do them. */
  async remove(members: readonly string[], owner: string): Promise<void> {
    if (members.length > 0)
      await this.scripts.trustmapUnmark(this.key('seen'), this.marks(owner), owner, ...members);
  }

  /** Counts job `id` as outstanding, unless it is done: true if it is to be handed to BullMQ. */
  async jobAdded(id: string): Promise<boolean> {
    const added = await this.scripts.trustmapPend(
      this.key('done'),
      this.key('pending'),
      id,
      RUN_TTL_SECONDS,
    );
    return added === 1;
  }

  /**
   * Job `id` finished: a job's last step, safe to repeat (only the first call acts). With a
   * `failure` the job failed for good: it is recorded, and the marks the job still owns are given
   * back. True if this call settled it.
   */
  async jobDone(id: string, failure?: Failure): Promise<boolean> {
    const settled = await this.scripts.trustmapSettle(
      this.key('pending'),
      this.key('done'),
      this.key('failures'),
      this.key('seen'),
      this.marks(id),
      id,
      RUN_TTL_SECONDS,
      failure === undefined ? '' : JSON.stringify(failure),
    );
    return settled === 1;
  }

  /** Whether job `id` has been settled (a job re-run after that has nothing to do). */
  async isDone(id: string): Promise<boolean> {
    return (await this.redis.sismember(this.key('done'), id)) === 1;
  }

  async outstanding(): Promise<number> {
    return this.redis.scard(this.key('pending'));
  }

  /** Up to `count` of the outstanding jobs' ids. */
  async someOutstanding(count: number): Promise<string[]> {
    return this.redis.srandmember(this.key('pending'), count);
  }

  async resolved(key: string, rootSpec: string | undefined): Promise<void> {
    const multi = this.redis
      .multi()
      .sadd(this.key('resolved'), key)
      .expire(this.key('resolved'), RUN_TTL_SECONDS);
    if (rootSpec !== undefined)
      multi.hset(this.key('roots'), rootSpec, key).expire(this.key('roots'), RUN_TTL_SECONDS);
    await multi.exec();
  }

  async resolvedCount(): Promise<number> {
    return this.redis.scard(this.key('resolved'));
  }

  /** Job `id`'s failure (one a job, so a re-run records it once). */
  async failed(id: string, failure: Failure): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key('failures'), id, JSON.stringify(failure))
      .expire(this.key('failures'), RUN_TTL_SECONDS)
      .exec();
  }

  async failureCount(): Promise<number> {
    return this.redis.hlen(this.key('failures'));
  }

  /** The coverage of package `name` (counted once, however many jobs report it). */
  async covered(name: string, coverage: Coverage): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key('coverage'), name, JSON.stringify(coverage))
      .expire(this.key('coverage'), RUN_TTL_SECONDS)
      .exec();
  }

  /**
   * Records the end. Nothing is deleted: `seen` and `done` must outlive the run, or a job BullMQ
   * runs again after it (a stalled one) would walk again; every key expires on its own.
   */
  async finish(): Promise<void> {
    const meta = await this.meta();
    if (meta === undefined) return;
    await this.redis.set(
      this.key('meta'),
      JSON.stringify({ ...meta, finishedAt: new Date().toISOString() }),
      'EX',
      RUN_TTL_SECONDS,
    );
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
      failures: failures.map((f) => JSON.parse(f) as Failure).sort(byFailure),
      coverage: total,
      roots,
    };
  }

  /** The most recent runs, newest first (older trustmaps' runs among them: see `shape`). */
  static async recent(redis: Redis, limit = 20): Promise<string[]> {
    return redis.zrevrange(RUNS_INDEX, 0, limit - 1);
  }

  /** Whether run `runId` was recorded by this trustmap, by an older one, or is gone. */
  static async shape(redis: Redis, runId: string): Promise<RunShape> {
    const [current, older] = await Promise.all([
      redis.exists(new RunState(redis, runId).key('meta')),
      redis.exists(`trustmap:run:${runId}:meta`),
    ]);
    return current === 1 ? 'current' : older === 1 ? 'older' : 'missing';
  }
}

/**
 * Facts memoised by tarball digest (npm `dist.integrity`, PyPI sha256): a digest names the bytes
 * that were verified, so a fact holds for every version, mirror or run that serves them. Bounded,
 * least recently used out first; a verification in flight is shared, one that throws is not kept.
 */
export const DEFAULT_CACHE_ENTRIES = 10_000;

export class VerificationCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  readonly maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    const max = options.maxEntries ?? DEFAULT_CACHE_ENTRIES;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxEntries must be a positive whole number, not ${String(max)}`);
    this.maxEntries = max;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The fact for `key` (settled or in flight), marked as recently used. */
  get(key: string): Promise<T> | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: T | Promise<T>): void {
    this.entries.delete(key);
    this.entries.set(key, Promise.resolve(value));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The cached fact for `key`, or `work()`'s, kept unless it rejects. */
  verify(key: string, work: () => Promise<T>): Promise<T> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = work();
    this.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    return pending;
  }
}

/** A cache for each owner (a registry client: one per run), made on first use, dropped with it. */
export function cachesByOwner<T>(): (owner: object) => VerificationCache<T> {
  const caches = new WeakMap<object, VerificationCache<T>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (cache === undefined) {
      cache = new VerificationCache<T>();
      caches.set(owner, cache);
    }
    return cache;
  };
}

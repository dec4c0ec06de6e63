/** The verification cache: keyed by digest, bounded (least recently used out), in-flight work shared. */
import { describe, expect, it } from 'vitest';
import { VerificationCache } from '../../ingest/provenance/index.js';

describe('VerificationCache', () => {
  it('runs the verification once per digest, even when asked twice at once', async () => {
    const cache = new VerificationCache<string>();
    let runs = 0;
    const work = async (): Promise<string> => {
      runs++;
      await new Promise((resolve) => setImmediate(resolve));
      return 'fact';
    };
    const [a, b] = await Promise.all([
      cache.verify('sha512-x', work),
      cache.verify('sha512-x', work),
    ]);
    expect([a, b, runs]).toEqual(['fact', 'fact', 1]);
    expect(await cache.verify('sha512-x', work)).toBe('fact');
    expect(runs).toBe(1);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new VerificationCache<number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    await cache.get('a');
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c'), cache.size]).toEqual([
      true,
      false,
      true,
      2,
    ]);
  });

  it('holds 10,000 entries by default', () => {
    const cache = new VerificationCache<number>();
    for (let i = 0; i < 10_500; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(10_000);
    expect(cache.has('k499')).toBe(false);
    expect(cache.has('k500')).toBe(true);
  });

  it('does not keep a verification that threw', async () => {
    const cache = new VerificationCache<string>();
    await expect(
      cache.verify('k', () => Promise.reject(new Error('registry down'))),
    ).rejects.toThrow();
    expect(cache.has('k')).toBe(false);
    expect(await cache.verify('k', () => Promise.resolve('fact'))).toBe('fact');
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => new VerificationCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

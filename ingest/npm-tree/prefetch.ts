/**
 * Packuments fetched ahead of the placement pass (place-tree.ts): what a placed version's
 * dependencies will need, so that the pass waits for the registry about once, not once per level.
 */
import type { Dependency, Packument } from '../sources/npm/packument.js';
import { pickVersion } from '../sources/npm/resolve.js';
import type { LoadPackument } from '../npm-tree.js';

/** Distinct name@ranges fetched ahead of placement at most. */
const MAX_PREFETCHED = 20_000;

export class Prefetcher {
  private readonly prefetched = new Set<string>();

  constructor(
    private readonly load: LoadPackument,
    /** The dependencies followed from a version (bundled ones left out). */
    private readonly followed: (packument: Packument, version: string) => Dependency[],
    private readonly nodeVersion: string,
    private readonly maxDepth: number | undefined,
  ) {}

  /**
   * Fetches `d`'s packument ahead, and then, as it arrives, those of the dependencies of the
   * version its range picks, and so on down: the placement waits for the registry once, not once
   * per level of the tree. Peers are not followed (npm fetches a peer only when the tree has none
   * that satisfies it), nor anything below --depth; distinct name@ranges are bounded (a hostile
   * registry's closure is not fetched beyond it).
   */
  prefetch(d: Dependency, depth: number): void {
    if (this.maxDepth !== undefined && depth > this.maxDepth) return;
    const id = `${d.name}\u0000${d.range}`;
    if (this.prefetched.has(id) || this.prefetched.size >= MAX_PREFETCHED) return;
    this.prefetched.add(id);
    this.load(d.name).then(
      (packument) => {
        if (packument instanceof Error) return;
        let version: string;
        try {
          version = pickVersion(packument, d.range, this.nodeVersion);
        } catch {
          return;
        }
        for (const next of this.followed(packument, version))
          if (next.kind !== 'peer') this.prefetch(next, depth + 1);
      },
      () => undefined,
    );
  }
}

/**
 * Chokepoints (TRUST-MODEL.md 2.5): how many packages depend on a package, transitively (reach);
 * how many one account could reach (maintainer reach, and sole-maintainer reach); and fragility,
 * reach weighed by a small bus factor and a low own trust.
 *
 * Reach here is exact, by a search from each node over reversed edges: right for the closures
 * users ingest (thousands of packages). Whole ecosystems need the sketches of the model
 * (HyperLogLog over the condensation), which are not built yet.
 */
import { buildCsr, type Csr, type EdgeList } from './csr.js';

/**
 * One search over reversed edges from all of `sources` at once (`seen` is cleared first and left
 * marked): how many nodes are sources or depend on one of them, transitively. The dependents
 * reached (not the sources) are pushed onto `out` when it is given.
 */
function searchFrom(
  reversed: Csr,
  sources: readonly number[],
  seen: Uint8Array,
  out?: number[],
): number {
  seen.fill(0);
  const stack: number[] = [];
  let count = 0;
  for (const s of sources) {
    if (seen[s] === 1) continue;
    seen[s] = 1;
    count++;
    stack.push(s);
  }
  while (stack.length > 0) {
    const q = stack.pop() as number;
    for (let e = reversed.offsets[q] as number; e < (reversed.offsets[q + 1] as number); e++) {
      const p = reversed.targets[e] as number;
      if (seen[p] === 1) continue;
      seen[p] = 1;
      count++;
      out?.push(p);
      stack.push(p);
    }
  }
  return count;
}

/** The nodes that transitively depend on `node` (not counting itself). */
export function dependentsOf(
  reversed: Csr,
  node: number,
  seen = new Uint8Array(reversed.n),
): number[] {
  const out: number[] = [];
  searchFrom(reversed, [node], seen, out);
  return out;
}

export function reach(n: number, dependencies: EdgeList): Uint32Array {
  const reversed = buildCsr(n, dependencies, true);
  const seen = new Uint8Array(n);
  const out = new Uint32Array(n);
  for (let v = 0; v < n; v++) out[v] = dependentsOf(reversed, v, seen).length;
  return out;
}

export interface MaintainerReach {
  reach: number;
  soleReach: number;
}

/**
 * MR(u) = |∪ over u's packages p of {p} ∪ dependents(p)|; soleMR the same over the packages u
 * alone can publish. Each union is one search from all of u's packages at once, so memory stays
 * O(n) however many dependents the packages share (caching every package's dependents, as this
 * did before, held the sum of all reaches: tens of GiB on a 120k-version graph).
 */
export function maintainerReach(
  n: number,
  dependencies: EdgeList,
  packagesOf: ReadonlyMap<string, readonly number[]>,
  publisherCount: ArrayLike<number>,
): Map<string, MaintainerReach> {
  const reversed = buildCsr(n, dependencies, true);
  const seen = new Uint8Array(n);
  const out = new Map<string, MaintainerReach>();
  for (const [person, packages] of packagesOf) {
    const solePackages = packages.filter((p) => publisherCount[p] === 1);
    const reach = searchFrom(reversed, packages, seen);
    const soleReach =
      solePackages.length === 0
        ? 0
        : solePackages.length === packages.length
          ? reach
          : searchFrom(reversed, solePackages, seen);
    out.set(person, { reach, soleReach });
  }
  return out;
}

/** F(p) = reach(p) · (1 / bf(p)) · (1 − O(p)). */
export function fragility(reachOf: number, busFactor: number, ownTrust: number): number {
  return (reachOf / Math.max(1, busFactor)) * (1 - ownTrust);
}

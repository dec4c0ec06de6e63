/** Questions about the resolved dependency graph: closures and paths. */
import semver from 'semver';
import { buildCsr, type Csr, type EdgeList } from './csr.js';

/** The resolved dependency graph, edges from a dependent to its dependency. */
export function forwardGraph(result: { nodes: readonly string[]; dependencies: EdgeList }): Csr {
  return buildCsr(result.nodes.length, result.dependencies);
}

/**
 * Shortest paths from `sources` to every node they reach, as a breadth-first tree: the parent of
 * each node (−1 for a source, −2 for a node not reached) and its hops from the nearest source.
 */
export interface PathTree {
  parent: Int32Array;
  hops: Int32Array;
}

export function shortestPaths(graph: Csr, sources: readonly number[]): PathTree {
  const parent = new Int32Array(graph.n).fill(-2);
  const hops = new Int32Array(graph.n).fill(-1);
  const queue: number[] = [];
  for (const source of sources) {
    if ((parent[source] as number) !== -2) continue;
    parent[source] = -1;
    hops[source] = 0;
    queue.push(source);
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (let e = graph.offsets[v] as number; e < (graph.offsets[v + 1] as number); e++) {
      const w = graph.targets[e] as number;
      if ((parent[w] as number) !== -2) continue;
      parent[w] = v;
      hops[w] = (hops[v] as number) + 1;
      queue.push(w);
    }
  }
  return { parent, hops };
}

/**
 * The shortest path from the tree's sources to `node`, cut after `maxHops` hops: its first
 * `maxHops + 1` nodes, source first; undefined when `node` is not reached. Only the walk up to the
 * cut costs anything beyond the path itself, so a deep chain does not make every path long.
 */
export function boundedPathTo(
  tree: PathTree,
  node: number,
  maxHops: number,
): { path: number[]; hops: number; pathTruncated: boolean } | undefined {
  const hops = tree.hops[node] as number;
  if (hops < 0) return undefined;
  let at = node;
  // Climb to the last node the cut path keeps, then collect from there to the source.
  for (let h = hops; h > maxHops; h--) at = tree.parent[at] as number;
  const path = [at];
  for (let up = tree.parent[at] as number; up >= 0; up = tree.parent[up] as number) path.push(up);
  return { path: path.reverse(), hops, pathTruncated: hops > maxHops };
}

/**
 * The node of a root spec among the ingested versions: `npm:express@^4` matches the highest
 * ingested express version that satisfies the range; a key matches itself.
 */
export function findRoot(nodes: readonly string[], spec: string): number | undefined {
  const exact = nodes.indexOf(spec);
  if (exact >= 0) return exact;
  const match = /^(?:npm:|pkg:npm\/)((?:@|%40)?[^@]+)(?:@(.+))?$/.exec(spec);
  if (match === null) return undefined;
  const name = decodeURIComponent(match[1] ?? '');
  const range = match[2] ?? '*';
  let best: number | undefined;
  let bestVersion: string | undefined;
  nodes.forEach((key, i) => {
    const m = /^pkg:npm\/(.+)@([^@]+)$/.exec(key);
    if (m === null || decodeURIComponent(m[1] ?? '') !== name) return;
    const version = m[2] ?? '';
    if (
      semver.valid(version) === null ||
      !semver.satisfies(version, range, { includePrerelease: true })
    )
      return;
    if (bestVersion === undefined || semver.gt(version, bestVersion)) {
      best = i;
      bestVersion = version;
    }
  });
  return best;
}

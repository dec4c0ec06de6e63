/** Questions about the resolved dependency graph of a score result: closures and paths. */
import semver from 'semver';
import { buildCsr, type Csr } from './csr.js';
import type { ScoreResult } from './score.js';

export function forwardGraph(result: ScoreResult): Csr {
  return buildCsr(result.nodes.length, result.dependencies);
}

/** Shortest dependency path from `root` to every node it reaches (parent pointers, −1 for none). */
export function pathsFrom(graph: Csr, root: number): Int32Array {
  const parent = new Int32Array(graph.n).fill(-2);
  parent[root] = -1;
  const queue = [root];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (let e = graph.offsets[v] as number; e < (graph.offsets[v + 1] as number); e++) {
      const w = graph.targets[e] as number;
      if ((parent[w] as number) !== -2) continue;
      parent[w] = v;
      queue.push(w);
    }
  }
  return parent;
}

export function pathTo(parent: Int32Array, node: number): number[] | undefined {
  if ((parent[node] as number) === -2) return undefined;
  const path = [node];
  for (let at = parent[node] as number; at >= 0; at = parent[at] as number) path.push(at);
  return path.reverse();
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

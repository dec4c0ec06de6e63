/**
 * The resolved dependency graph scoring propagates over: every version a RESOLVES_TO edge
 * touches, and every root an ingest was asked for, gets an index, in the order the edges are read, and each edge a weight (TRUST-MODEL.md
 * 2.4: the strongest declared kind, times the exact-pin weight when every range is one version).
 */
import semver from 'semver';
import type { TrustGraph } from './load.js';
import { TRUST_PARAMS } from './params.js';
import type { DependencyEdges } from './score-types.js';

export interface ResolvedGraph {
  /** Version keys by index. */
  nodes: string[];
  dependencies: DependencyEdges;
  /** The roots the graph was ingested for, sorted. */
  roots: string[];
}

/** Indexes the resolved versions and weighs their dependency edges. */
export function indexDependencies(graph: TrustGraph): ResolvedGraph {
  const params = TRUST_PARAMS;
  const index = new Map<string, number>();
  const nodes: string[] = [];
  const at = (key: string): number => {
    let i = index.get(key);
    if (i === undefined) {
      i = nodes.length;
      index.set(key, i);
      nodes.push(key);
    }
    return i;
  };
  const dependencies: DependencyEdges = { from: [], to: [], weight: [] };
  for (const edge of graph.resolves.values()) {
    const pkg = graph.packageOf.get(edge.to);
    const kinds = pkg === undefined ? undefined : graph.declared.get(`${edge.from} ${pkg}`);
    const kindWeight =
      kinds === undefined ? 1 : Math.max(...[...kinds].map((k) => params.kindWeight[k] ?? 1));
    const exact = [...edge.ranges].every((range) => semver.valid(range) !== null);
    dependencies.from.push(at(edge.from));
    dependencies.to.push(at(edge.to));
    dependencies.weight.push(
      kindWeight * (exact && edge.ranges.size > 0 ? params.exactPinWeight : 1),
    );
  }
  // A root nothing resolves from (no dependencies) is a node of its own.
  for (const key of graph.ingestedRoots) if (graph.versions.has(key)) at(key);
  const roots = new Set([...graph.resolves.values()].flatMap((edge) => [...edge.roots]));
  for (const key of graph.ingestedRoots) if (graph.versions.has(key)) roots.add(key);
  return { nodes, dependencies, roots: [...roots].sort() };
}

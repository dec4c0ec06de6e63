/**
 * Reputation (TRUST-MODEL.md 2.2): personalised PageRank from the anchors over the undirected
 * graph of people, packages and organisations (maintainers, memberships, scopes, repository
 * owners; never dependencies), normalised against the anchors' mass, with what explains it:
 * each anchor's share and the best walk from an anchor.
 */
import { buildUndirectedCsr } from './csr.js';
import type { TrustGraph } from './load.js';
import { TRUST_PARAMS } from './params.js';
import { limitingPath, weakestLink } from './propagation.js';
import { normaliseReputation, personalisedPageRank } from './reputation.js';
import type { AnchorShare } from './score-types.js';

/** Reputation of every node of the reputation graph, looked up by key. */
export interface ReputationView {
  anchorsUsed: string[];
  /** Anchors asked for that are not in the graph. */
  anchorsMissing: string[];
  /** Normalised reputation in [0, 1]; 0 for a key outside the reputation graph. */
  reputationOf: (key: string) => number;
  /** Up to three anchors with their share of the key's mass, largest first. */
  sharesOf: (key: string) => AnchorShare[];
  /** The walk from an anchor to the key with the highest product of probabilities. */
  walkTo: (key: string) => string[];
}

interface ReputationGraph {
  index: Map<string, number>;
  keys: string[];
  edges: { from: number[]; to: number[]; weight: number[] };
}

/** The undirected, weighted reputation graph G_R. */
function reputationGraph(graph: TrustGraph): ReputationGraph {
  const index = new Map<string, number>();
  const at = (key: string): number => {
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = index.size));
    return i;
  };
  const edges = { from: [] as number[], to: [] as number[], weight: [] as number[] };
  const link = (a: string, b: string, w: number): void => {
    edges.from.push(at(a));
    edges.to.push(at(b));
    edges.weight.push(w);
  };
  for (const [pkg, people] of graph.maintainers) for (const person of people) link(person, pkg, 1);
  for (const m of graph.memberOf) link(m.person, m.org, m.evidence === 'email-domain' ? 0.5 : 1);
  for (const s of graph.inScope) link(s.pkg, s.org, 1);
  for (const [pkg, repo] of graph.hostedAt) {
    const owner = graph.ownedBy.get(repo);
    if (owner !== undefined) link(pkg, owner, 1);
  }
  const keys: string[] = [];
  for (const [key, i] of index) keys[i] = key;
  return { index, keys, edges };
}

/**
 * For each node, the step back towards the anchors on its walk with the highest product of
 * P(x, y) = w / strength(x), found like the weakest link (each step multiplies by a
 * probability <= 1).
 */
function bestWalks(g: ReputationGraph, anchorIds: number[]): Int32Array | undefined {
  if (anchorIds.length === 0) return undefined;
  const size = g.index.size;
  const { edges } = g;
  const strength = new Float64Array(size);
  for (let e = 0; e < edges.from.length; e++) {
    strength[edges.from[e] as number] =
      (strength[edges.from[e] as number] as number) + (edges.weight[e] as number);
    strength[edges.to[e] as number] =
      (strength[edges.to[e] as number] as number) + (edges.weight[e] as number);
  }
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  for (let e = 0; e < edges.from.length; e++) {
    const a = edges.from[e] as number;
    const b = edges.to[e] as number;
    const w = edges.weight[e] as number;
    from.push(b, a);
    to.push(a, b);
    weight.push(
      w / (strength[a] as number) / TRUST_PARAMS.delta,
      w / (strength[b] as number) / TRUST_PARAMS.delta,
    );
  }
  const start = new Float64Array(size);
  for (const a of anchorIds) start[a] = 1;
  return weakestLink(size, { from, to, weight }, start).via;
}

/** Runs PPR from the anchors found in the graph and returns the view of its result. */
export function scoreReputation(graph: TrustGraph, anchors: readonly string[]): ReputationView {
  const g = reputationGraph(graph);
  const size = g.index.size;
  const anchorsUsed = anchors.filter((a) => g.index.has(a));
  const anchorsMissing = anchors.filter((a) => !g.index.has(a));
  const rGraph = buildUndirectedCsr(size, g.edges);
  const anchorIds = anchorsUsed.map((a) => g.index.get(a) as number);
  const { pi } =
    anchorIds.length === 0
      ? { pi: new Float64Array(size) }
      : personalisedPageRank(rGraph, anchorIds);
  const reputation =
    anchorIds.length === 0 ? new Float64Array(size) : normaliseReputation(pi, anchorIds);
  // Each anchor's share of a node's mass: one PPR per anchor, when there are few enough.
  const perAnchor =
    anchorIds.length > 1 && anchorIds.length <= 32 && size <= 200_000
      ? anchorIds.map((a) => personalisedPageRank(rGraph, [a]).pi)
      : undefined;
  const sharesOf = (key: string): AnchorShare[] => {
    const i = g.index.get(key);
    if (i === undefined || anchorIds.length === 0) return [];
    if (perAnchor === undefined)
      return anchorIds.length === 1 ? [{ anchor: anchorsUsed[0] as string, share: 1 }] : [];
    const masses = perAnchor.map((pa) => pa[i] as number);
    const total = masses.reduce((a, b) => a + b, 0);
    if (total === 0) return [];
    return masses
      .map((mass, j) => ({
        anchor: anchorsUsed[j] as string,
        share: Math.round((mass / total) * 1000) / 1000,
      }))
      .filter((s) => s.share > 0)
      .sort((a, b) => b.share - a.share)
      .slice(0, 3);
  };
  const walkVia = bestWalks(g, anchorIds);
  const walkTo = (key: string): string[] => {
    const i = g.index.get(key);
    if (i === undefined || walkVia === undefined) return [];
    const path = limitingPath(walkVia, i).map((j) => g.keys[j] as string);
    return anchorsUsed.includes(path[path.length - 1] as string) ? path.reverse() : [];
  };
  const reputationOf = (key: string): number => {
    const i = g.index.get(key);
    return i === undefined ? 0 : (reputation[i] as number);
  };
  return { anchorsUsed, anchorsMissing, reputationOf, sharesOf, walkTo };
}

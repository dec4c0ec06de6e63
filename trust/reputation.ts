/**
 * Reputation (TRUST-MODEL.md 2.2): personalised PageRank from chosen anchors over people, packages
 * and organisations (never over dependencies, which anyone can declare), normalised so an anchor's
 * mass is 1: R(x) = min(1, ln(1 + N·π(x)) / ln(1 + N·π̄_A)).
 */
import type { Csr } from './csr.js';
import { TRUST_PARAMS, type TrustParams } from './params.js';

export interface PprResult {
  pi: Float64Array;
  iterations: number;
}

/** π = α·s + (1−α)·Pᵀπ with P(x,y) = w(x,y)/Σw(x,·), s uniform over `anchors`. */
export function personalisedPageRank(
  graph: Csr,
  anchors: readonly number[],
  params: TrustParams = TRUST_PARAMS,
): PprResult {
  const { n, offsets, targets, weights } = graph;
  const strength = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    let sum = 0;
    for (let e = offsets[x] as number; e < (offsets[x + 1] as number); e++)
      sum += weights[e] as number;
    strength[x] = sum;
  }
  const restart = new Float64Array(n);
  for (const a of anchors) restart[a] = (restart[a] as number) + 1 / anchors.length;
  let pi = Float64Array.from(restart);
  let next = new Float64Array(n);
  let iterations = 0;
  for (; iterations < params.pprMaxIterations; iterations++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) next[i] = params.alpha * (restart[i] as number);
    for (let x = 0; x < n; x++) {
      const mass = pi[x] as number;
      if (mass === 0) continue;
      const total = strength[x] as number;
      if (total === 0) {
        dangling += mass;
        continue;
      }
      const share = ((1 - params.alpha) * mass) / total;
      for (let e = offsets[x] as number; e < (offsets[x + 1] as number); e++) {
        const y = targets[e] as number;
        next[y] = (next[y] as number) + share * (weights[e] as number);
      }
    }
    // Mass on a node with no edges goes back to the anchors, so π stays a distribution.
    if (dangling > 0)
      for (let i = 0; i < n; i++)
        next[i] = (next[i] as number) + (1 - params.alpha) * dangling * (restart[i] as number);
    let diff = 0;
    for (let i = 0; i < n; i++) diff += Math.abs((next[i] as number) - (pi[i] as number));
    [pi, next] = [next, pi];
    if (diff < params.pprTolerance) break;
  }
  return { pi, iterations };
}

/** R(x) from π: the mass as a multiple of a uniform share, on a log scale, relative to an anchor's. */
export function normaliseReputation(pi: Float64Array, anchors: readonly number[]): Float64Array {
  const n = pi.length;
  const anchorMean =
    anchors.reduce((sum, a) => sum + (pi[a] as number), 0) / Math.max(anchors.length, 1);
  const denominator = Math.log1p(n * anchorMean);
  const reputation = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    reputation[i] =
      denominator <= 0 ? 0 : Math.min(1, Math.log1p(n * (pi[i] as number)) / denominator);
  }
  return reputation;
}

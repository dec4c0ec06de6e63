/**
 * The propagation phase of scoring (TRUST-MODEL.md 2.4) over the resolved graph: effective
 * trust by the weakest link (with the path that limits it) and exposure by noisy-or, both from
 * each version's own risk r0 = 1 - O.
 */
import { exposure, limitingPath, weakestLink } from './propagation.js';
import type { DependencyEdges } from './score-types.js';

export interface PropagatedTrust {
  /** Effective trust E = 1 - rho, by node index. */
  trust: (i: number) => number;
  /** Exposure rho_N, by node index. */
  exposure: (i: number) => number;
  /** The node indexes of the path whose end limits a node's trust, from the node. */
  limitedBy: (i: number) => number[];
}

/** Propagates own risk along the dependency edges. */
export function propagateTrust(
  n: number,
  dependencies: DependencyEdges,
  r0: Float64Array,
): PropagatedTrust {
  const { rho, via } = weakestLink(n, dependencies, r0);
  const { rhoN } = exposure(n, dependencies, r0);
  return {
    trust: (i) => 1 - (rho[i] as number),
    exposure: (i) => rhoN[i] as number,
    limitedBy: (i) => limitingPath(via, i),
  };
}

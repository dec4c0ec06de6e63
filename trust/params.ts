/**
 * The trust model's defaults (docs/trust-model.md): every weight and constant in
 * one place, versioned with the formulas that use them.
 */
export const TRUST_PARAMS = {
  /** Category weights of a local score. */
  local: { activity: 0.25, provenance: 0.3, hygiene: 0.2, vulnerabilities: 0.25 },
  /** Value of a signal that is unknown; reported as missing coverage. */
  imputed: 0.5,
  /** Half-life, in months, of the release-recency signal. */
  releaseHalfLifeMonths: 12,
  /** Saturation points of log-normalised counts. */
  commitsSaturation: 50,
  contributorsSaturation: 10,
  /** Advisory severity -> risk it takes away. */
  severity: { critical: 0.9, high: 0.7, moderate: 0.4, low: 0.1 } as Record<string, number>,
  /** Personalised PageRank restart probability and convergence (L1). */
  alpha: 0.15,
  pprTolerance: 1e-10,
  pprMaxIterations: 1000,
  /** Weight of reputation in a person's or organisation's trust. */
  eta: 0.5,
  /** Weight of the publishers' trust in a package's own trust. */
  gamma: 0.3,
  /** Hop attenuation and edge weights of propagation. */
  delta: 0.5,
  kindWeight: { prod: 1, optional: 0.5, peer: 0.5, dev: 0 } as Record<string, number>,
  exactPinWeight: 0.8,
  /** Cap of a local score after a provenance regression or a first-time publisher. */
  regressionCap: 0.5,
  /** Saturation of displayed fragility. */
  fragilitySaturation: 1000,
} as const;

export type TrustParams = typeof TRUST_PARAMS;

/** `norm(x; T) = ln(1 + x) / ln(1 + max(x, T))`: a count on a saturating log scale. */
export function norm(x: number, saturation: number): number {
  if (x <= 0) return 0;
  return Math.log1p(x) / Math.log1p(Math.max(x, saturation));
}

/** `decay(Δ; h) = 2^(−Δ/h)`. */
export function decay(delta: number, halfLife: number): number {
  return 2 ** (-Math.max(0, delta) / halfLife);
}

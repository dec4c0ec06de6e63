/**
 * A version's scores as a scoring run stores them on its node: what the trust reports rank by and
 * what the wire carries (a chokepoint row). Declared once, here, for the server and the browser.
 */
export interface VersionScores {
  reach: number;
  /** Who maintains its package (MAINTAINS in the stored graph): who can publish it. */
  maintainers: string[];
  busFactor: number;
  busFactorSource: string;
  ownTrust: number;
  trust: number;
  fragility: number;
}

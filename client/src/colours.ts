/**
 * Trust as colour: five bands from the Okabe-Ito palette, which stays distinguishable under the
 * common colour-vision deficiencies, from vermillion (little trust) to blue (well trusted). Each
 * band is also said in words in the legend and the details, so colour is never the only cue.
 */
export interface Band {
  min: number;
  colour: string;
  words: string;
}

export const TRUST_BANDS: readonly Band[] = [
  { min: 0.8, colour: '#0072B2', words: 'high (0.8 to 1)' },
  { min: 0.6, colour: '#56B4E9', words: 'good (0.6 to 0.8)' },
  { min: 0.4, colour: '#C9A800', words: 'middling (0.4 to 0.6)' },
  { min: 0.2, colour: '#E69F00', words: 'low (0.2 to 0.4)' },
  { min: 0, colour: '#D55E00', words: 'very low (under 0.2)' },
];
export const UNSCORED = { colour: '#8C8C8C', words: 'not scored' };
export const DIMMED = '#E4E6EA';

export function trustBand(trust: unknown): Band | undefined {
  if (typeof trust !== 'number' || !Number.isFinite(trust)) return undefined;
  return TRUST_BANDS.find((band) => trust >= band.min);
}

export function trustColour(trust: unknown): string {
  return trustBand(trust)?.colour ?? UNSCORED.colour;
}

export function trustWords(trust: unknown): string {
  return trustBand(trust)?.words ?? UNSCORED.words;
}

/** Node shapes by kind, so that people, repositories and organisations read apart in any colour. */
export const SHAPES = {
  version: { shape: 'circle', words: 'package version' },
  person: { shape: 'diamond', words: 'person' },
  repository: { shape: 'square', words: 'repository' },
  organisation: { shape: 'triangle', words: 'organisation' },
} as const;
export type Kind = keyof typeof SHAPES;

export function shapeOf(kind: unknown): string {
  return typeof kind === 'string' && kind in SHAPES ? SHAPES[kind as Kind].shape : 'circle';
}

/** A node's size: versions by their reach, everything else the same. */
export function sizeFor(kind: unknown, reach: unknown): number {
  if (kind !== 'version') return 5;
  const r = typeof reach === 'number' && reach > 0 ? reach : 0;
  return 4 + 3 * Math.log10(1 + r);
}

/**
 * A version with a high change flag: a ring in this colour round the node (the trust colour
 * stays inside), said in words in the legend and the details.
 */
export const FLAGGED = { colour: '#B00020', words: 'ringed: a high change flag' };

/** Whether a node's attributes say its worst stored change flag is high. */
export function isHighFlagged(attributes: Record<string, unknown>): boolean {
  return attributes.flagSeverity === 'high';
}

/**
 * Explanations: the JSON stored with every score (TRUST-MODEL.md 2.6), and the same in plain
 * sentences for `trustmap explain`.
 */
import { TRUST_PARAMS } from './params.js';
import type { OrganisationScore, PersonScore, VersionScore } from './score.js';

export interface VersionExplanation {
  node: string;
  metric: 'E';
  value: number;
  formula: 'weakest-link/v1';
  params: { delta: number; gamma: number };
  limitedBy: { path: string[]; hops: number };
  own: {
    O: number;
    terms: [
      { L: number; w: number; categories: Record<string, number> },
      { S: number; w: number; via: string | null },
    ];
    contributions: { signal: string; raw: unknown; norm: number; contribution: number }[];
    capped: string | null;
  };
  exposure: { rhoN: number };
  chokepoint: {
    reach: number;
    busFactor: number;
    busFactorSource: string;
    fragility: number;
    maintainers: string[];
  };
  coverage: number;
  anchors: string[];
  /** Change flags, worst first (TRUST-MODEL.md 6.2), and what they multiplied own trust by. */
  flags?: { id: string; severity: string; evidence: string; since: string }[];
  flagFactor?: number;
  /** The instant the scores are as of (later releases did not exist for them). */
  asOf?: string;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export function explainVersion(
  score: VersionScore,
  anchors: string[],
  asOf: string,
): VersionExplanation {
  return {
    node: score.key,
    metric: 'E',
    value: round(score.trust),
    formula: 'weakest-link/v1',
    params: { delta: TRUST_PARAMS.delta, gamma: TRUST_PARAMS.gamma },
    limitedBy: { path: score.limitedBy, hops: score.limitedBy.length - 1 },
    own: {
      O: round(score.ownTrust),
      terms: [
        {
          L: round(score.local.value),
          w: 1 - TRUST_PARAMS.gamma,
          categories: Object.fromEntries(
            Object.entries(score.local.categories).map(([k, v]) => [k, round(v)]),
          ),
        },
        {
          S: round(score.publishersTrust),
          w: TRUST_PARAMS.gamma,
          via: score.limitingPublisher ?? null,
        },
      ],
      contributions: score.local.contributions.map((c) => ({
        signal: c.signal,
        raw: c.raw,
        norm: round(c.norm),
        contribution: round(c.contribution),
      })),
      capped: score.local.capped ?? null,
    },
    exposure: { rhoN: round(score.exposure) },
    chokepoint: {
      reach: score.reach,
      busFactor: score.busFactor,
      busFactorSource: score.busFactorSource,
      fragility: round(score.fragility),
      maintainers: score.maintainers,
    },
    coverage: round(score.local.coverage),
    anchors,
    flags: score.flags.map(({ id, severity, evidence, since }) => ({
      id,
      severity,
      evidence,
      since,
    })),
    flagFactor: round(score.flagFactor),
    asOf,
  };
}

export function explainPerson(
  score: PersonScore,
  anchors: string[],
  asOf: string,
): Record<string, unknown> {
  return {
    node: score.key,
    metric: 'T',
    value: round(score.trust),
    formula: 'record+reputation/v2',
    params: { eta: TRUST_PARAMS.eta, alpha: TRUST_PARAMS.alpha },
    local: round(score.local),
    record: {
      ...score.record,
      tenureYears: score.record.tenureYears === undefined ? null : round(score.record.tenureYears),
      firstRelease: score.record.firstRelease ?? null,
      provenanceShare:
        score.record.provenanceShare === undefined ? null : round(score.record.provenanceShare),
    },
    reputation: round(score.reputation),
    maintainerReach: score.maintainerReach,
    soleMaintainerReach: score.soleMaintainerReach,
    fragility: round(score.fragility),
    anchors,
    asOf,
  };
}

export function explainOrganisation(
  score: OrganisationScore,
  anchors: string[],
  asOf: string,
): Record<string, unknown> {
  return {
    node: score.key,
    metric: 'T',
    value: round(score.trust),
    reputation: round(score.reputation),
    anchors,
    asOf,
  };
}

function ago(months: number): string {
  if (months < 1) return 'less than a month ago';
  if (months < 24) return `${Math.round(months)} month${Math.round(months) === 1 ? '' : 's'} ago`;
  return `${Math.round(months / 12)} years ago`;
}

/** A stored version explanation in sentences, most telling first. */
export function describeExplanation(explanation: VersionExplanation): string {
  const parts: string[] = [];
  const own = explanation.own;
  // Flags first, in words: they are what a reader needs before any number.
  const flags = (explanation.flags ?? []).map((f) => `${f.severity} ${f.id}: ${f.evidence}`);
  const signal = (name: string): { raw: unknown; norm: number } | undefined =>
    own.contributions.find((c) => c.signal === name);
  const people = explanation.chokepoint.maintainers.length;
  if (explanation.chokepoint.busFactorSource === 'unknown')
    parts.push('who can publish it is not known (the registry did not say)');
  else
    parts.push(
      `${explanation.chokepoint.busFactor === 1 ? 'one person' : `${explanation.chokepoint.busFactor} people`} can publish it${people > 0 ? ` (maintainers: ${explanation.chokepoint.maintainers.map((m) => m.replace(/^person:npm:/, '')).join(', ')})` : ''}`,
    );
  const attested = signal('attestation');
  if (attested?.raw === false) parts.push('no provenance');
  else if (attested?.raw === true) parts.push('provenance verified');
  const recency = signal('release recency');
  if (typeof recency?.raw === 'number') parts.push(`last release ${ago(recency.raw)}`);
  else parts.push('release dates unknown');
  if (signal('no install scripts')?.raw === true) parts.push('runs install scripts');
  if (signal('OSI licence')?.raw === false) parts.push('licence not OSI-approved');
  if (own.capped !== null) parts.push(`capped: ${own.capped}`);
  const hops = explanation.limitedBy.hops;
  const limit = explanation.limitedBy.path[explanation.limitedBy.path.length - 1];
  if (hops > 0 && limit !== undefined)
    parts.push(`limited by ${limit} ${hops === 1 ? 'one hop' : `${hops} hops`} down`);
  if (explanation.chokepoint.reach > 0)
    parts.push(`${explanation.chokepoint.reach} package versions depend on it`);
  const coverage = Math.round(explanation.coverage * 10);
  parts.push(`${coverage} of 10 signals known`);
  return `trust ${explanation.value.toFixed(2)} (own ${own.O.toFixed(2)}): ${[...flags, ...parts].join('; ')}`;
}

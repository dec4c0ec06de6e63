/**
 * Local scores (TRUST-MODEL.md 2.1): what a version, person or organisation shows on its own,
 * from positive evidence. A signal that is not known is imputed (0.5) and counted against
 * coverage, never read as good or bad.
 */
import { decay, norm, TRUST_PARAMS, type TrustParams } from './params.js';

/** Raw signals of a package version; `undefined` means not known. */
export interface VersionSignals {
  monthsSinceRelease?: number;
  commitsLast90Days?: number;
  activeContributors12Months?: number;
  /** A provenance attestation whose source is the package's repository. */
  attested?: boolean;
  /** Share of published versions with a matching tag in the repository. */
  tagOverlap?: number;
  /** The repository link is verified both ways. */
  repositoryVerified?: boolean;
  /** OpenSSF Scorecard, 0 to 10. */
  scorecard?: number;
  hasInstallScripts?: boolean;
  osiLicence?: boolean;
  /** Severities of the advisories that hit the version; [] when known to be none. */
  advisories?: string[];
  malicious?: boolean;
  provenanceRegression?: boolean;
  firstTimePublisher?: boolean;
}

export interface Contribution {
  signal: string;
  raw: number | boolean | string | null;
  norm: number;
  weight: number;
  contribution: number;
}

export interface LocalScore {
  value: number;
  categories: Record<'activity' | 'provenance' | 'hygiene' | 'vulnerabilities', number>;
  contributions: Contribution[];
  /** Share of signals that were known. */
  coverage: number;
  capped: string | undefined;
}

type Category = keyof LocalScore['categories'];

export function localScore(
  signals: VersionSignals,
  params: TrustParams = TRUST_PARAMS,
): LocalScore {
  const known: number[] = [];
  const parts: Record<Category, { signal: string; raw: Contribution['raw']; norm: number }[]> = {
    activity: [],
    provenance: [],
    hygiene: [],
    vulnerabilities: [],
  };
  const add = (
    category: Category,
    signal: string,
    raw: Contribution['raw'] | undefined,
    value: (raw: never) => number,
  ): void => {
    const isKnown = raw !== undefined && raw !== null;
    known.push(isKnown ? 1 : 0);
    parts[category].push({
      signal,
      raw: raw ?? null,
      norm: isKnown ? value(raw as never) : params.imputed,
    });
  };
  add('activity', 'release recency', signals.monthsSinceRelease, (m: number) =>
    decay(m, params.releaseHalfLifeMonths),
  );
  add('activity', 'commits in 90 days', signals.commitsLast90Days, (c: number) =>
    norm(c, params.commitsSaturation),
  );
  add('activity', 'active contributors', signals.activeContributors12Months, (c: number) =>
    norm(c, params.contributorsSaturation),
  );
  add('provenance', 'attestation', signals.attested, (a: boolean) => (a ? 1 : 0));
  add('provenance', 'tag overlap', signals.tagOverlap, (t: number) => Math.min(1, Math.max(0, t)));
  add('provenance', 'repository verified', signals.repositoryVerified, (v: boolean) => (v ? 1 : 0));
  add('hygiene', 'scorecard', signals.scorecard, (s: number) => Math.min(1, Math.max(0, s / 10)));
  add('hygiene', 'no install scripts', signals.hasInstallScripts, (h: boolean) => (h ? 0 : 1));
  add('hygiene', 'OSI licence', signals.osiLicence, (o: boolean) => (o ? 1 : 0));
  add(
    'vulnerabilities',
    'advisories',
    signals.advisories === undefined ? undefined : signals.advisories.join(','),
    () =>
      (signals.advisories ?? []).reduce(
        (product, severity) => product * (1 - (params.severity[severity] ?? 0.4)),
        1,
      ),
  );
  const categories = {} as Record<Category, number>;
  const contributions: Contribution[] = [];
  for (const category of Object.keys(parts) as Category[]) {
    const list = parts[category];
    categories[category] = list.reduce((sum, p) => sum + p.norm, 0) / list.length;
    const weight = params.local[category] / list.length;
    for (const p of list)
      contributions.push({
        signal: p.signal,
        raw: p.raw,
        norm: p.norm,
        weight,
        contribution: weight * p.norm,
      });
  }
  let value = (Object.keys(categories) as Category[]).reduce(
    (sum, c) => sum + params.local[c] * categories[c],
    0,
  );
  let capped: string | undefined;
  if (signals.malicious === true) {
    value = 0;
    capped = 'known malicious';
  } else if (signals.provenanceRegression === true || signals.firstTimePublisher === true) {
    if (value > params.regressionCap) {
      value = params.regressionCap;
      capped =
        signals.provenanceRegression === true ? 'provenance regression' : 'first-time publisher';
    }
  }
  contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return {
    value,
    categories,
    contributions,
    coverage: known.reduce((a, b) => a + b, 0) / known.length,
    capped,
  };
}

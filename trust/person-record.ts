/**
 * A person's record as the registry shows it up to an instant (TRUST-MODEL.md 6.3): how long they
 * have released (tenure), in how many years, how many releases, how many packages they publish
 * or maintain, and the share of their releases with provenance since provenance existed. A
 * record earns trust without any anchor: a decade of releases is evidence, a days-old account
 * is not. A person the graph shows no dated release of has an unknown record, which is imputed
 * and reported as missing coverage, never read as low.
 */
import { decay, norm } from './params.js';
import type { TrustGraph } from './load.js';

export const RECORD_PARAMS = {
  /** Tenure t years gives 1 - 2^(-t / half): 2 years half way, 10 years 0.97. */
  tenureHalfYears: 2,
  activeYearsSaturation: 8,
  releasesSaturation: 100,
  packagesSaturation: 10,
  /** When npm provenance became generally available: releases before it cannot have it. */
  provenanceSince: '2023-04-19T00:00:00.000Z',
} as const;

export interface PersonRecord {
  /** Upload time of their first release in the graph, if any is dated. */
  firstRelease: string | undefined;
  releases: number;
  activeYears: number;
  packages: number;
  /** Share of their releases since provenance existed that have it; undefined without any. */
  provenanceShare: number | undefined;
}

export interface RecordScore {
  /** In [0, 1]; undefined when the record is unknown. */
  value: number | undefined;
  tenureYears: number | undefined;
  record: PersonRecord;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Every person's record up to `asOf`, from the releases they published and the packages they maintain. */
export function personRecords(graph: TrustGraph, asOf: Date): Map<string, PersonRecord> {
  const instant = asOf.getTime();
  const since = Date.parse(RECORD_PARAMS.provenanceSince);
  const acc = new Map<
    string,
    {
      first: number;
      releases: number;
      years: Set<number>;
      packages: Set<string>;
      recent: number;
      attested: number;
    }
  >();
  const entry = (person: string): NonNullable<ReturnType<typeof acc.get>> => {
    let e = acc.get(person);
    if (e === undefined) {
      e = {
        first: Infinity,
        releases: 0,
        years: new Set(),
        packages: new Set(),
        recent: 0,
        attested: 0,
      };
      acc.set(person, e);
    }
    return e;
  };
  for (const [key, people] of graph.publishers) {
    const version = graph.versions.get(key);
    const time = Date.parse(version?.publishedAt ?? '');
    if (!(time <= instant)) continue;
    const pkg = graph.packageOf.get(key);
    for (const person of people) {
      const e = entry(person);
      e.first = Math.min(e.first, time);
      e.releases++;
      e.years.add(new Date(time).getUTCFullYear());
      if (pkg !== undefined) e.packages.add(pkg);
      // A release whose provenance was not checked (named, not verified yet) is not counted.
      if (time >= since && version?.provenance !== undefined) {
        e.recent++;
        if (version.provenance) e.attested++;
      }
    }
  }
  for (const [pkg, people] of graph.maintainers)
    for (const person of people) if (acc.has(person)) entry(person).packages.add(pkg);
  const records = new Map<string, PersonRecord>();
  for (const [person, e] of acc)
    records.set(person, {
      firstRelease: Number.isFinite(e.first) ? new Date(e.first).toISOString() : undefined,
      releases: e.releases,
      activeYears: e.years.size,
      packages: e.packages.size,
      provenanceShare: e.recent === 0 ? undefined : e.attested / e.recent,
    });
  return records;
}

/**
 * The record as one number: tenure times (one half plus one half of the activity signals), so
 * that a days-old account is near 0 whatever it did in those days, and a long tenure is worth
 * 0.5 to 1 by how much and how widely the person released.
 */
export function recordScore(record: PersonRecord | undefined, asOf: Date): RecordScore {
  const empty: PersonRecord = {
    firstRelease: undefined,
    releases: 0,
    activeYears: 0,
    packages: 0,
    provenanceShare: undefined,
  };
  if (record?.firstRelease === undefined)
    return { value: undefined, tenureYears: undefined, record: record ?? empty };
  const p = RECORD_PARAMS;
  const tenureYears = Math.max(0, (asOf.getTime() - Date.parse(record.firstRelease)) / YEAR_MS);
  const tenure = 1 - decay(tenureYears, p.tenureHalfYears);
  const activity = [
    norm(record.activeYears, p.activeYearsSaturation),
    norm(record.releases, p.releasesSaturation),
    norm(record.packages, p.packagesSaturation),
    ...(record.provenanceShare === undefined ? [] : [record.provenanceShare]),
  ];
  const mean = activity.reduce((a, b) => a + b, 0) / activity.length;
  return { value: tenure * (0.5 + 0.5 * mean), tenureYears, record };
}

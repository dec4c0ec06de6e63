/**
 * The whole model over a loaded graph: local scores, reputation, own trust, effective trust and
 * exposure over the resolved dependency graph (RESOLVES_TO between versions), chokepoints, and an
 * explanation for every score. Pure: it reads a TrustGraph and returns numbers and explanations.
 */
import { append } from '../collections.js';
import semver from 'semver';
import { maintainerReach, reach as reachOf } from './chokepoints.js';
import { approximateReach } from './reach-sketch.js';
import { buildUndirectedCsr } from './csr.js';
import { isOsiLicence } from './licences.js';
import { localScore, type LocalScore, type VersionSignals } from './local.js';
import type { TrustGraph } from './load.js';
import { norm, TRUST_PARAMS } from './params.js';
import { exposure, limitingPath, weakestLink } from './propagation.js';
import { normaliseReputation, personalisedPageRank } from './reputation.js';

export interface VersionScore {
  key: string;
  local: LocalScore;
  /** Trust of the publishers (minimum), and who set it. */
  publishersTrust: number;
  limitingPublisher: string | undefined;
  ownTrust: number;
  trust: number;
  exposure: number;
  limitedBy: string[];
  reach: number;
  busFactor: number;
  busFactorSource: 'contributors' | 'publishers and maintainers' | 'unknown';
  fragility: number;
  fragilityDisplay: number;
  maintainers: string[];
}

export interface PersonScore {
  key: string;
  local: number;
  reputation: number;
  trust: number;
  maintainerReach: number;
  soleMaintainerReach: number;
  fragility: number;
  /** The anchors its reputation comes from, largest share first (PPR is linear in the anchors). */
  anchorShares: { anchor: string; share: number }[];
  /** The walk from an anchor with the highest product of transition probabilities. */
  walk: string[];
}

export interface OrganisationScore {
  key: string;
  reputation: number;
  trust: number;
  anchorShares: { anchor: string; share: number }[];
  walk: string[];
}

export interface ScoreResult {
  versions: Map<string, VersionScore>;
  persons: Map<string, PersonScore>;
  organisations: Map<string, OrganisationScore>;
  /** The selected (highest resolved) version of each package that has one. */
  packageVersion: Map<string, string>;
  anchorsUsed: string[];
  anchorsMissing: string[];
  reachMethod: 'exact' | 'hyperloglog';
  /** The roots the graph was ingested for (RESOLVES_TO roots). */
  roots: string[];
  /** The resolved dependency graph: index of each version, and edges by index. */
  nodes: string[];
  dependencies: { from: number[]; to: number[]; weight: number[] };
}

const params = TRUST_PARAMS;

/** Above this many resolved versions, reach is estimated (HyperLogLog, about ±13%). */
export const EXACT_REACH_LIMIT = 20_000;

function monthsBetween(from: string | undefined, now: Date): number | undefined {
  if (from === undefined) return undefined;
  const at = Date.parse(from);
  return Number.isNaN(at)
    ? undefined
    : Math.max(0, (now.getTime() - at) / (30.4375 * 24 * 3600 * 1000));
}

export function computeScores(
  graph: TrustGraph,
  options: { anchors: readonly string[]; now?: Date },
): ScoreResult {
  const now = options.now ?? new Date();

  // --- the resolved dependency graph ------------------------------------------------------
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
  const dependencies = { from: [] as number[], to: [] as number[], weight: [] as number[] };
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
  const n = nodes.length;

  // --- reputation over people, packages and organisations -----------------------------------
  const rIndex = new Map<string, number>();
  const rAt = (key: string): number => {
    let i = rIndex.get(key);
    if (i === undefined) rIndex.set(key, (i = rIndex.size));
    return i;
  };
  const rEdges = { from: [] as number[], to: [] as number[], weight: [] as number[] };
  const link = (a: string, b: string, w: number): void => {
    rEdges.from.push(rAt(a));
    rEdges.to.push(rAt(b));
    rEdges.weight.push(w);
  };
  for (const [pkg, people] of graph.maintainers) for (const person of people) link(person, pkg, 1);
  for (const m of graph.memberOf) link(m.person, m.org, m.evidence === 'email-domain' ? 0.5 : 1);
  for (const s of graph.inScope) link(s.pkg, s.org, 1);
  for (const [pkg, repo] of graph.hostedAt) {
    const owner = graph.ownedBy.get(repo);
    if (owner !== undefined) link(pkg, owner, 1);
  }
  const anchorsUsed = options.anchors.filter((a) => rIndex.has(a));
  const anchorsMissing = options.anchors.filter((a) => !rIndex.has(a));
  const rGraph = buildUndirectedCsr(rIndex.size, rEdges);
  const anchorIds = anchorsUsed.map((a) => rIndex.get(a) as number);
  const { pi } =
    anchorIds.length === 0
      ? { pi: new Float64Array(rIndex.size) }
      : personalisedPageRank(rGraph, anchorIds);
  const reputation =
    anchorIds.length === 0 ? new Float64Array(rIndex.size) : normaliseReputation(pi, anchorIds);
  // Each anchor's share of a node's mass: one PPR per anchor, when there are few enough.
  const rKeys: string[] = [];
  for (const [key, i] of rIndex) rKeys[i] = key;
  const perAnchor =
    anchorIds.length > 1 && anchorIds.length <= 32 && rIndex.size <= 200_000
      ? anchorIds.map((a) => personalisedPageRank(rGraph, [a]).pi)
      : undefined;
  const sharesOf = (key: string): { anchor: string; share: number }[] => {
    const i = rIndex.get(key);
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
  // The best walk from an anchor: max product of P(x, y) = w / strength(x), found like the weakest
  // link (each step multiplies by a probability <= 1), walking back from the node to an anchor.
  const walkVia = (() => {
    if (anchorIds.length === 0) return undefined;
    const strength = new Float64Array(rIndex.size);
    for (let e = 0; e < rEdges.from.length; e++) {
      strength[rEdges.from[e] as number] =
        (strength[rEdges.from[e] as number] as number) + (rEdges.weight[e] as number);
      strength[rEdges.to[e] as number] =
        (strength[rEdges.to[e] as number] as number) + (rEdges.weight[e] as number);
    }
    const from: number[] = [];
    const to: number[] = [];
    const weight: number[] = [];
    for (let e = 0; e < rEdges.from.length; e++) {
      const a = rEdges.from[e] as number;
      const b = rEdges.to[e] as number;
      const w = rEdges.weight[e] as number;
      from.push(b, a);
      to.push(a, b);
      weight.push(
        w / (strength[a] as number) / params.delta,
        w / (strength[b] as number) / params.delta,
      );
    }
    const start = new Float64Array(rIndex.size);
    for (const a of anchorIds) start[a] = 1;
    return weakestLink(rIndex.size, { from, to, weight }, start).via;
  })();
  const walkTo = (key: string): string[] => {
    const i = rIndex.get(key);
    if (i === undefined || walkVia === undefined) return [];
    const path = limitingPath(walkVia, i).map((j) => rKeys[j] as string);
    return anchorsUsed.includes(path[path.length - 1] as string) ? path.reverse() : [];
  };
  const reputationOf = (key: string): number => {
    const i = rIndex.get(key);
    return i === undefined ? 0 : (reputation[i] as number);
  };

  // --- people: what they show (publishes with provenance) and their reputation --------------
  const published = new Map<string, string[]>();
  for (const [version, people] of graph.publishers)
    for (const person of people) append(published, person, version);
  const persons = new Map<string, PersonScore>();
  const personTrust = (key: string): number => {
    const known = persons.get(key);
    if (known !== undefined) return known.trust;
    const theirs = published.get(key) ?? [];
    const withProvenance = theirs.filter((v) => graph.versions.get(v)?.provenance === true).length;
    // 2FA, account age and incidents are not known from the registry: imputed.
    const signals = [
      theirs.length === 0 ? params.imputed : withProvenance / theirs.length,
      params.imputed,
      params.imputed,
      params.imputed,
    ];
    const local = signals.reduce((a, b) => a + b, 0) / signals.length;
    const rep = reputationOf(key);
    const score: PersonScore = {
      key,
      local,
      reputation: rep,
      trust: (1 - params.eta) * local + params.eta * rep,
      maintainerReach: 0,
      soleMaintainerReach: 0,
      fragility: 0,
      anchorShares: sharesOf(key),
      walk: walkTo(key),
    };
    persons.set(key, score);
    return score.trust;
  };
  for (const person of graph.persons) personTrust(person);
  const organisations = new Map<string, OrganisationScore>();
  for (const key of graph.organisations.keys()) {
    const rep = reputationOf(key);
    organisations.set(key, {
      key,
      reputation: rep,
      trust: (1 - params.eta) * params.imputed + params.eta * rep,
      anchorShares: sharesOf(key),
      walk: walkTo(key),
    });
  }

  // --- versions: local signals, own trust ---------------------------------------------------
  const lastRelease = new Map<string, string>();
  for (const [pkg, versions] of graph.versionsOf) {
    const times = versions
      .map((v) => graph.versions.get(v)?.publishedAt)
      .filter((t): t is string => t !== undefined)
      .sort();
    const last = times[times.length - 1];
    if (last !== undefined) lastRelease.set(pkg, last);
  }
  const previousVersion = (key: string): string | undefined => {
    const pkg = graph.packageOf.get(key);
    const self = graph.versions.get(key)?.version;
    if (pkg === undefined || self === undefined || semver.valid(self) === null) return undefined;
    let best: string | undefined;
    let bestVersion: string | undefined;
    for (const other of graph.versionsOf.get(pkg) ?? []) {
      const v = graph.versions.get(other)?.version;
      if (v === undefined || semver.valid(v) === null || !semver.lt(v, self)) continue;
      if (bestVersion === undefined || semver.gt(v, bestVersion)) {
        best = other;
        bestVersion = v;
      }
    }
    return best;
  };
  const firstTimePublisher = (key: string): boolean | undefined => {
    const pkg = graph.packageOf.get(key);
    const self = graph.versions.get(key)?.version;
    const who = graph.publishers.get(key);
    if (pkg === undefined || self === undefined || who === undefined || semver.valid(self) === null)
      return undefined;
    const earlier = (graph.versionsOf.get(pkg) ?? []).filter((v) => {
      const version = graph.versions.get(v)?.version;
      return version !== undefined && semver.valid(version) !== null && semver.lt(version, self);
    });
    if (earlier.length === 0) return false;
    const before = new Set(earlier.flatMap((v) => graph.publishers.get(v) ?? []));
    return who.some((person) => !before.has(person));
  };

  const r0 = new Float64Array(n);
  const partial = new Map<
    string,
    Omit<
      VersionScore,
      'trust' | 'exposure' | 'limitedBy' | 'reach' | 'fragility' | 'fragilityDisplay'
    >
  >();
  for (let i = 0; i < n; i++) {
    const key = nodes[i] as string;
    const version = graph.versions.get(key);
    const pkg = graph.packageOf.get(key);
    const previous = previousVersion(key);
    const advisories = graph.advisoriesKnown
      ? (graph.affectedBy.get(key) ?? []).map(
          (v) => graph.vulnerabilities.get(v)?.severity ?? 'moderate',
        )
      : undefined;
    const repository = pkg === undefined ? undefined : graph.hostedAt.get(pkg);
    const history = repository === undefined ? undefined : graph.repositories.get(repository);
    const overlap = pkg === undefined ? undefined : graph.packages.get(pkg)?.tagOverlap;
    const signals: VersionSignals = {
      ...(history?.commitsLast90Days === undefined
        ? {}
        : { commitsLast90Days: history.commitsLast90Days }),
      ...(history?.activeContributors12Months === undefined
        ? {}
        : { activeContributors12Months: history.activeContributors12Months }),
      ...(overlap === undefined ? {} : { tagOverlap: overlap }),
      ...(pkg !== undefined && lastRelease.has(pkg)
        ? { monthsSinceRelease: monthsBetween(lastRelease.get(pkg), now) as number }
        : {}),
      ...(version?.provenance === undefined ? {} : { attested: version.provenance }),
      ...(version?.hasInstallScripts === undefined
        ? {}
        : { hasInstallScripts: version.hasInstallScripts }),
      ...(isOsiLicence(version?.license) === undefined
        ? {}
        : { osiLicence: isOsiLicence(version?.license) as boolean }),
      ...(advisories === undefined ? {} : { advisories }),
      malicious: (graph.affectedBy.get(key) ?? []).some(
        (v) => graph.vulnerabilities.get(v)?.malicious === true,
      ),
      provenanceRegression:
        previous !== undefined &&
        graph.versions.get(previous)?.provenance === true &&
        version?.provenance !== true,
      ...(firstTimePublisher(key) === undefined
        ? {}
        : { firstTimePublisher: firstTimePublisher(key) as boolean }),
    };
    const local = localScore(signals);
    const people = [
      ...new Set([
        ...(graph.publishers.get(key) ?? []),
        ...(pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? [])),
      ]),
    ];
    let publishersTrust: number = params.imputed;
    let limitingPublisher: string | undefined;
    for (const person of people) {
      const t = personTrust(person);
      if (limitingPublisher === undefined || t < publishersTrust) {
        publishersTrust = t;
        limitingPublisher = person;
      }
    }
    const ownTrust =
      version?.project === true
        ? 1
        : (1 - params.gamma) * local.value + params.gamma * publishersTrust;
    r0[i] = 1 - ownTrust;
    // TRUST-MODEL.md: the repository's history first (people making half of the last year's
    // commits), else who can publish, else unknown.
    const fromHistory = history?.busFactor;
    const busFactor = fromHistory ?? people.length;
    partial.set(key, {
      key,
      local,
      publishersTrust,
      limitingPublisher,
      ownTrust,
      busFactor: Math.max(1, busFactor),
      busFactorSource:
        fromHistory !== undefined
          ? 'contributors'
          : busFactor > 0
            ? 'publishers and maintainers'
            : 'unknown',
      maintainers: pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? []),
    });
  }

  // --- propagation and chokepoints -----------------------------------------------------------
  const { rho, via } = weakestLink(n, dependencies, r0);
  const { rhoN } = exposure(n, dependencies, r0);
  // Exact reach for the closures people ingest; sketches for whole ecosystems.
  const reachMethod = n <= EXACT_REACH_LIMIT ? 'exact' : 'hyperloglog';
  const reach =
    reachMethod === 'exact' ? reachOf(n, dependencies) : approximateReach(n, dependencies);
  const versions = new Map<string, VersionScore>();
  for (let i = 0; i < n; i++) {
    const key = nodes[i] as string;
    const base = partial.get(key);
    if (base === undefined) continue;
    const fragility = ((reach[i] as number) / base.busFactor) * (1 - base.ownTrust);
    versions.set(key, {
      ...base,
      trust: 1 - (rho[i] as number),
      exposure: rhoN[i] as number,
      limitedBy: limitingPath(via, i).map((j) => nodes[j] as string),
      reach: reach[i] as number,
      fragility,
      fragilityDisplay: norm(fragility, params.fragilitySaturation),
    });
  }

  const packagesOf = new Map<string, number[]>();
  const publisherCount = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = nodes[i] as string;
    const score = versions.get(key);
    publisherCount[i] = score?.busFactorSource === 'unknown' ? 0 : (score?.busFactor ?? 0);
    const pkg = graph.packageOf.get(key);
    const people = new Set([
      ...(graph.publishers.get(key) ?? []),
      ...(pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? [])),
    ]);
    for (const person of people) append(packagesOf, person, i);
  }
  for (const [person, mr] of maintainerReach(n, dependencies, packagesOf, publisherCount)) {
    const score = persons.get(person);
    if (score === undefined) continue;
    score.maintainerReach = mr.reach;
    score.soleMaintainerReach = mr.soleReach;
    score.fragility = mr.soleReach * (1 - score.trust);
  }

  const packageVersion = new Map<string, string>();
  for (const key of nodes) {
    const pkg = graph.packageOf.get(key);
    const v = graph.versions.get(key)?.version;
    if (pkg === undefined || v === undefined) continue;
    const current = packageVersion.get(pkg);
    const currentVersion = current === undefined ? undefined : graph.versions.get(current)?.version;
    if (
      currentVersion === undefined ||
      (semver.valid(v) !== null &&
        semver.valid(currentVersion) !== null &&
        semver.gt(v, currentVersion))
    ) {
      packageVersion.set(pkg, key);
    }
  }
  return {
    versions,
    persons,
    organisations,
    packageVersion,
    anchorsUsed,
    anchorsMissing,
    reachMethod,
    roots: [...new Set([...graph.resolves.values()].flatMap((edge) => [...edge.roots]))].sort(),
    nodes,
    dependencies,
  };
}

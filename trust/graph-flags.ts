/**
 * The change flags of every release in the graph as of an instant (`version-flags.ts` on each
 * package's timeline), the advisory facts as flags, and flags that travel: a release that adds a
 * dependency whose resolved version carries a high flag carries a high flag of its own, naming
 * it, without the attenuation propagation applies (TRUST-MODEL.md 6.4).
 */
import { npmPackageKey, pypiPackageKey } from '../ingest/identity.js';
import type { FlagSeverity } from './flag-params.js';
import type { TrustGraph } from './load.js';
import {
  timelineFlags,
  type FlagContext,
  type ReleaseFacts,
  type VersionFlag,
} from './version-flags.js';

/** The flags of each version that has any, by version key. */
export type GraphFlags = Map<string, VersionFlag[]>;

function packageKeyFor(pkg: string): (name: string) => string | undefined {
  return (name) => {
    try {
      return pkg.startsWith('pkg:pypi/') ? pypiPackageKey(name) : npmPackageKey(name);
    } catch {
      return undefined; // not a package name (a URL or a path written as one)
    }
  };
}

/** A package's releases published by `asOf`, oldest first; releases without a time are left out. */
function timelineOf(graph: TrustGraph, pkg: string, asOf: number): ReleaseFacts[] {
  const releases: ReleaseFacts[] = [];
  for (const key of graph.versionsOf.get(pkg) ?? []) {
    const v = graph.versions.get(key);
    const time = v?.publishedAt === undefined ? NaN : Date.parse(v.publishedAt);
    if (v === undefined || v.version === undefined || !(time <= asOf)) continue;
    releases.push({
      key,
      version: v.version,
      publishedAt: v.publishedAt as string,
      publishers: graph.publishers.get(key),
      maintainers: v.maintainers,
      installScripts: v.installScripts,
      installScriptText: v.installScriptText,
      dependencies: v.dependencies,
      provenance: v.provenance,
      trustedPublisher: v.trustedPublisher,
      tagged: v.tagged,
    });
  }
  return releases.sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
}

const ADVISORY_SEVERITY: Record<string, FlagSeverity> = {
  critical: 'high',
  high: 'high',
  moderate: 'medium',
  low: 'low',
};

function advisoryFlags(graph: TrustGraph, key: string, since: string): VersionFlag[] {
  const flags: VersionFlag[] = [];
  for (const id of graph.affectedBy.get(key) ?? []) {
    const advisory = graph.vulnerabilities.get(id);
    if (advisory?.malicious === true)
      flags.push({ id: 'malicious', severity: 'high', evidence: `known malicious (${id})`, since });
    else
      flags.push({
        id: 'advisory',
        severity: ADVISORY_SEVERITY[advisory?.severity ?? 'moderate'] ?? 'medium',
        evidence: `${id}, severity ${advisory?.severity ?? 'unknown'}`,
        since,
      });
  }
  return flags;
}

const repositoryName = (key: string): string => key.replace(/^repo:/, '');

/**
 * What verifying a release's attestation showed against the package's claims: built from a
 * repository other than the one the package names (starjacking, or a stale field), or an
 * attestation the registry names that does not verify (the release counts as without provenance).
 */
function provenanceFlags(
  graph: TrustGraph,
  pkg: string,
  key: string,
  since: string,
): VersionFlag[] {
  const version = graph.versions.get(key);
  const claimed = graph.hostedAt.get(pkg);
  const flags: VersionFlag[] = [];
  const built = version?.provenanceRepository;
  if (built !== undefined && claimed !== undefined && built !== claimed)
    flags.push({
      id: 'repository-mismatch',
      severity: 'medium',
      evidence: `built from ${repositoryName(built)}, but the package names ${repositoryName(claimed)}`,
      since,
    });
  if (version?.provenanceFailure !== undefined)
    flags.push({
      id: 'provenance-unverified',
      severity: 'medium',
      evidence: `its provenance attestation does not verify: ${version.provenanceFailure}`,
      since,
    });
  return flags;
}

/** Each publishing account's first release in the graph published by the instant. */
function accountsSince(graph: TrustGraph, instant: number): Map<string, string> {
  const since = new Map<string, string>();
  for (const [key, who] of graph.publishers) {
    const at = graph.versions.get(key)?.publishedAt;
    if (at === undefined || !(Date.parse(at) <= instant)) continue;
    for (const person of who) {
      const first = since.get(person);
      if (first === undefined || Date.parse(at) < Date.parse(first)) since.set(person, at);
    }
  }
  return since;
}

/**
 * Every flag of the graph's releases as of `asOf`; given `packages`, those packages' flags only
 * (the same as in the whole graph's), worked out over just the packages they depend on.
 */
export function flagGraph(
  graph: TrustGraph,
  asOf: Date,
  options: { packages?: ReadonlySet<string> } = {},
): GraphFlags {
  const instant = asOf.getTime();
  const flags: GraphFlags = new Map();
  const resolvedFrom = resolvedFromIndex(graph);
  const wanted =
    options.packages === undefined
      ? undefined
      : packagesNeeded(graph, resolvedFrom, options.packages);
  const since = accountsSince(graph, instant);
  // Who published each package by the instant, worked out once per package asked about.
  const publishersByPackage = new Map<string, string[]>();
  const publishersOf = (pkg: string): string[] => {
    let list = publishersByPackage.get(pkg);
    if (list === undefined) {
      list = [
        ...new Set(
          (graph.versionsOf.get(pkg) ?? []).flatMap((v) =>
            Date.parse(graph.versions.get(v)?.publishedAt ?? '') <= instant
              ? (graph.publishers.get(v) ?? [])
              : [],
          ),
        ),
      ];
      publishersByPackage.set(pkg, list);
    }
    return list;
  };
  const context = (pkg: string): FlagContext => ({
    createdAt: (other) => graph.packages.get(other)?.createdAt,
    packageKey: packageKeyFor(pkg),
    accountSince: (person) => since.get(person),
    publishersOf: (other) => publishersOf(other),
  });
  for (const pkg of wanted ?? graph.versionsOf.keys()) {
    const releases = timelineOf(graph, pkg, instant);
    if (releases.length === 0) continue;
    const entry = graph.packages.get(pkg);
    const found = timelineFlags(
      {
        key: pkg,
        name: entry?.name ?? pkg,
        createdAt: entry?.createdAt,
        // The tag as read names a release that existed by the instant, or we do not know what it
        // named then (npm's `--before` falls back to the highest version: no tag to judge).
        latest: releases.some((r) => r.version === entry?.latest) ? entry?.latest : undefined,
        releases,
      },
      context(pkg),
    );
    for (const release of releases) {
      const list = [
        ...(found.get(release.key) ?? []),
        ...advisoryFlags(graph, release.key, release.publishedAt),
        ...provenanceFlags(graph, pkg, release.key, release.publishedAt),
      ];
      if (list.length > 0) flags.set(release.key, list);
    }
  }
  raisePulledInYoungPackages(graph, flags, resolvedFrom);
  carryDependencyFlags(graph, flags, resolvedFrom);
  if (options.packages !== undefined) {
    const only = options.packages;
    for (const key of flags.keys()) {
      const pkg = graph.packageOf.get(key);
      if (pkg === undefined || !only.has(pkg)) flags.delete(key);
    }
  }
  return flags;
}

/**
 * The packages whose flags decide those of `start`: what they resolve to, transitively (a flag
 * carried from a dependency, which may carry its own), and the packages resolving to any of
 * those (a young package is raised by the release that pulls it in).
 */
function packagesNeeded(
  graph: TrustGraph,
  resolvedFrom: Map<string, string[]>,
  start: ReadonlySet<string>,
): Set<string> {
  const closure = new Set(start);
  const queue = [...start];
  for (let pkg = queue.pop(); pkg !== undefined; pkg = queue.pop())
    for (const version of graph.versionsOf.get(pkg) ?? [])
      for (const to of resolvedFrom.get(version) ?? []) {
        const next = graph.packageOf.get(to);
        if (next !== undefined && !closure.has(next)) {
          closure.add(next);
          queue.push(next);
        }
      }
  const needed = new Set(closure);
  for (const [from, targets] of resolvedFrom)
    if (targets.some((to) => closure.has(graph.packageOf.get(to) ?? ''))) {
      const pkg = graph.packageOf.get(from);
      if (pkg !== undefined) needed.add(pkg);
    }
  return needed;
}

/** RESOLVES_TO targets by the version they resolve from. */
function resolvedFromIndex(graph: TrustGraph): Map<string, string[]> {
  const resolvedFrom = new Map<string, string[]>();
  for (const { from, to } of graph.resolves.values()) {
    const list = resolvedFrom.get(from);
    if (list === undefined) resolvedFrom.set(from, [to]);
    else list.push(to);
  }
  return resolvedFrom;
}

const bare = (key: string): string => key.replace(/^pkg:[a-z]+\//, '');
const account = (key: string): string => key.replace(/^person:[a-z-]+:/, '');

/**
 * Each release with a dependency-added flag, with every version it resolves (RESOLVES_TO) of a
 * package that flag names as added.
 */
function* addedDependencyVersions(
  graph: TrustGraph,
  flags: GraphFlags,
  resolvedFrom: Map<string, string[]>,
): Generator<{ key: string; added: VersionFlag; to: string }> {
  for (const [key, list] of flags) {
    const added = list.find((f) => f.id === 'dependency-added');
    if (added?.packages === undefined) continue;
    for (const to of resolvedFrom.get(key) ?? []) {
      const pkg = graph.packageOf.get(to);
      const name = pkg === undefined ? undefined : graph.packages.get(pkg)?.name;
      if (name !== undefined && added.packages.includes(name)) yield { key, added, to };
    }
  }
}

/**
 * A young package of new accounts that another account's release has just added as a dependency
 * (flatmap-stream, pulled into event-stream) is a high flag: strangers' code enters a package
 * people depend on. A young package of new accounts nobody else pulls in stays medium.
 */
function raisePulledInYoungPackages(
  graph: TrustGraph,
  flags: GraphFlags,
  resolvedFrom: Map<string, string[]>,
): void {
  for (const { key, to } of addedDependencyVersions(graph, flags, resolvedFrom)) {
    const by = graph.publishers.get(key) ?? [];
    const young = (flags.get(to) ?? []).find(
      (f) => f.id === 'young-package' && f.accounts !== undefined,
    );
    if (young === undefined || young.accounts?.some((a) => by.includes(a)) === true) continue;
    young.severity = 'high';
    young.evidence = `${young.evidence}; pulled into ${bare(key)} by ${by.map(account).join(', ') || 'an unknown account'}`;
  }
}

/**
 * A release whose added dependency resolves to a version with a high flag gets its
 * dependency-added flag raised to high, with the dependency's own first high reason. Repeated
 * until nothing changes, so a carried flag travels on up a chain whatever order the releases
 * come in (each flag is raised at most once).
 */
function carryDependencyFlags(
  graph: TrustGraph,
  flags: GraphFlags,
  resolvedFrom: Map<string, string[]>,
): void {
  for (let raised = true; raised;) {
    raised = false;
    for (const { added, to } of addedDependencyVersions(graph, flags, resolvedFrom)) {
      if (added.severity === 'high') continue;
      const high = (flags.get(to) ?? []).find((f) => f.severity === 'high');
      if (high === undefined) continue;
      added.severity = 'high';
      added.evidence = `${added.evidence}; ${bare(to)} is flagged: ${high.evidence}`;
      raised = true;
    }
  }
}

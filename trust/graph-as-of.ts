/**
 * The loaded graph as the registry stood at an instant (`score --as-of`, a replay): versions
 * uploaded later are gone with their edges; a dependency that resolved to a later version
 * resolves instead to the highest version of then that its ranges accept (npm ranges; dropped if
 * none or not npm); packages with no version by then are gone, with their maintainers,
 * repositories and scopes; people left with nothing they published, maintain or contribute are
 * gone; advisories published later are gone; and a package's maintainers are those its newest
 * version by then lists (npm keeps a list per version), where that list is known. Versions and
 * advisories without a readable time are kept: unknown is not later.
 */
import semver from 'semver';
import type { TrustGraph } from './load.js';

export function graphAsOf(graph: TrustGraph, asOf: Date): TrustGraph {
  const instant = asOf.getTime();
  const later = (iso: string | undefined): boolean => {
    const time = iso === undefined ? NaN : Date.parse(iso);
    return !Number.isNaN(time) && time > instant;
  };
  const gone = new Set(
    [...graph.versions].filter(([, v]) => later(v.publishedAt)).map(([key]) => key),
  );
  const lateAdvisories = new Set(
    [...graph.vulnerabilities].filter(([, v]) => later(v.published)).map(([key]) => key),
  );
  const keep = <V>(map: Map<string, V>): Map<string, V> =>
    new Map([...map].filter(([key]) => !gone.has(key)));
  const versionsOf = new Map(
    [...graph.versionsOf].map(([pkg, list]) => [pkg, list.filter((v) => !gone.has(v))]),
  );
  // A package created later, or whose every version came later, did not exist (a package the
  // graph holds no version of, a stub, is kept).
  const existed = (pkg: string): boolean => {
    if (later(graph.packages.get(pkg)?.createdAt)) return false;
    const left = versionsOf.get(pkg);
    return left === undefined || left.length > 0 || graph.versionsOf.get(pkg)?.length === 0;
  };
  const packages = new Map([...graph.packages].filter(([pkg]) => existed(pkg)));
  const maintainers = maintainersAsOf(
    new Map([...graph.maintainers].filter(([pkg]) => packages.has(pkg))),
    graph,
    versionsOf,
  );
  const publishers = keep(graph.publishers);
  const linked = new Set([
    ...[...publishers.values()].flat(),
    ...[...maintainers.values()].flat(),
    ...[...graph.contributors.values()].flat().map((c) => c.person),
  ]);
  const affectedBy = new Map(
    [...keep(graph.affectedBy)]
      .map(([key, list]) => [key, list.filter((v) => !lateAdvisories.has(v))] as const)
      .filter(([, list]) => list.length > 0),
  );
  return {
    ...graph,
    versions: keep(graph.versions),
    versionsOf: new Map([...versionsOf].filter(([pkg]) => packages.has(pkg))),
    packageOf: keep(graph.packageOf),
    packages,
    publishers,
    maintainers,
    persons: new Set([...graph.persons].filter((p) => linked.has(p))),
    hostedAt: new Map([...graph.hostedAt].filter(([pkg]) => packages.has(pkg))),
    inScope: graph.inScope.filter((s) => packages.has(s.pkg)),
    memberOf: graph.memberOf.filter((m) => linked.has(m.person)),
    resolves: resolvesAsOf(graph, gone),
    ingestedRoots: new Set([...graph.ingestedRoots].filter((key) => !gone.has(key))),
    declared: new Map([...graph.declared].filter(([id]) => !gone.has(id.split(' ')[0] ?? ''))),
    affectedBy,
    vulnerabilities: new Map(
      [...graph.vulnerabilities].filter(([key]) => !lateAdvisories.has(key)),
    ),
  };
}

/**
 * The resolved dependencies as of then: an edge from a later version is gone; an edge to a later
 * version goes to the highest version of that package by then that one of its ranges accepts.
 */
type Resolved = { from: string; to: string; ranges: Set<string>; roots: Set<string> };

function resolvesAsOf(graph: TrustGraph, gone: ReadonlySet<string>): Map<string, Resolved> {
  const out = new Map<string, Resolved>();
  const add = (entry: Resolved): void => {
    const id = `${entry.from} ${entry.to}`;
    const known = out.get(id);
    if (known === undefined)
      out.set(id, { ...entry, ranges: new Set(entry.ranges), roots: new Set(entry.roots) });
    else {
      for (const r of entry.ranges) known.ranges.add(r);
      for (const r of entry.roots) known.roots.add(r);
    }
  };
  for (const entry of graph.resolves.values()) {
    if (gone.has(entry.from)) continue;
    if (!gone.has(entry.to)) {
      add(entry);
      continue;
    }
    const to = highestAccepted(graph, entry.to, entry.ranges, gone);
    if (to !== undefined) add({ ...entry, to });
  }
  return out;
}

/** The highest npm version of `key`'s package not gone that one of `ranges` accepts. */
function highestAccepted(
  graph: TrustGraph,
  key: string,
  ranges: ReadonlySet<string>,
  gone: ReadonlySet<string>,
): string | undefined {
  const pkg = graph.packageOf.get(key);
  if (pkg === undefined || !pkg.startsWith('pkg:npm/')) return undefined;
  let best: { key: string; version: string } | undefined;
  for (const candidate of graph.versionsOf.get(pkg) ?? []) {
    const version = graph.versions.get(candidate)?.version;
    if (gone.has(candidate) || version === undefined || semver.valid(version, true) === null)
      continue;
    const accepted = [...ranges].some((range) => {
      try {
        return semver.satisfies(version, range, { loose: true });
      } catch {
        return false;
      }
    });
    if (accepted && (best === undefined || semver.gt(version, best.version, true)))
      best = { key: candidate, version };
  }
  return best?.key;
}

/**
 * Each package's maintainers as its newest version by then lists them; the package's current
 * list (MAINTAINS) where no version says.
 */
function maintainersAsOf(
  current: Map<string, string[]>,
  graph: TrustGraph,
  versionsOf: Map<string, string[]>,
): Map<string, string[]> {
  const out = new Map(current);
  for (const [pkg, keys] of versionsOf) {
    if (!out.has(pkg) && !graph.packages.has(pkg)) continue;
    let newest: { at: number; list: string[] } | undefined;
    for (const key of keys) {
      const v = graph.versions.get(key);
      const at = Date.parse(v?.publishedAt ?? '');
      if (v?.maintainers === undefined || Number.isNaN(at)) continue;
      if (newest === undefined || at > newest.at) newest = { at, list: v.maintainers };
    }
    if (newest !== undefined) out.set(pkg, newest.list);
  }
  return out;
}

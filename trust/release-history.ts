/**
 * A package's releases in order, the way its ecosystem orders versions (`version-order.ts`):
 * the release before a version (provenance regression), whether a version's publishers are new
 * to the package (first-time publisher), its selected version, and when it last released.
 * "Earlier" and "latest" mean lower and highest in version order (PEP 440 for PyPI: a
 * pre-release or dev release comes before its final, a post-release and a local version after
 * it, an epoch above every version of a lower epoch), never upload time, except for the time
 * of the last release, which is by time. A version its ecosystem cannot read has no previous
 * version, no first-time-publisher answer, and is never taken over a readable one as latest.
 */
import type { TrustGraph } from './load.js';
import { versionCompare } from './version-order.js';

export interface ReleaseHistory {
  /** Upload time of the package's most recently uploaded release. */
  lastRelease: (pkg: string) => string | undefined;
  /** The package's highest release below this version, if any. */
  previousVersion: (key: string) => string | undefined;
  /** Whether one of this version's publishers published no earlier release; unknown if no earlier release can be told. */
  firstTimePublisher: (key: string) => boolean | undefined;
}

/** The release history of the graph's packages. */
export function releaseHistory(graph: TrustGraph): ReleaseHistory {
  const last = new Map<string, string>();
  for (const [pkg, versions] of graph.versionsOf) {
    const times = versions
      .map((v) => graph.versions.get(v)?.publishedAt)
      .filter((t): t is string => t !== undefined)
      .sort();
    const latest = times[times.length - 1];
    if (latest !== undefined) last.set(pkg, latest);
  }
  /** The other releases of the version's package, with how they compare to it. */
  const others = (key: string): { key: string; version: string; order: number }[] | undefined => {
    const pkg = graph.packageOf.get(key);
    const self = graph.versions.get(key)?.version;
    if (pkg === undefined || self === undefined) return undefined;
    const compare = versionCompare(pkg);
    if (compare(self, self) === undefined) return undefined;
    const list: { key: string; version: string; order: number }[] = [];
    for (const other of graph.versionsOf.get(pkg) ?? []) {
      const version = graph.versions.get(other)?.version;
      const order = version === undefined ? undefined : compare(version, self);
      if (version !== undefined && order !== undefined) list.push({ key: other, version, order });
    }
    return list;
  };
  const previousVersion = (key: string): string | undefined => {
    const pkg = graph.packageOf.get(key);
    const list = others(key);
    if (pkg === undefined || list === undefined) return undefined;
    const compare = versionCompare(pkg);
    let best: { key: string; version: string } | undefined;
    for (const other of list) {
      if (other.order >= 0) continue;
      if (best === undefined || (compare(other.version, best.version) ?? 0) > 0) best = other;
    }
    return best?.key;
  };
  const firstTimePublisher = (key: string): boolean | undefined => {
    const who = graph.publishers.get(key);
    const list = others(key);
    if (who === undefined || list === undefined) return undefined;
    const earlier = list.filter((other) => other.order < 0);
    if (earlier.length === 0) return false;
    const before = new Set(earlier.flatMap((other) => graph.publishers.get(other.key) ?? []));
    return who.some((person) => !before.has(person));
  };
  return { lastRelease: (pkg) => last.get(pkg), previousVersion, firstTimePublisher };
}

/**
 * The selected version of each package among the resolved versions: the highest in its
 * ecosystem's order. The first one met stays when versions cannot be compared.
 */
export function selectPackageVersions(graph: TrustGraph, nodes: string[]): Map<string, string> {
  const selected = new Map<string, string>();
  for (const key of nodes) {
    const pkg = graph.packageOf.get(key);
    const v = graph.versions.get(key)?.version;
    if (pkg === undefined || v === undefined) continue;
    const current = selected.get(pkg);
    const currentVersion = current === undefined ? undefined : graph.versions.get(current)?.version;
    if (currentVersion === undefined || (versionCompare(pkg)(v, currentVersion) ?? 0) > 0)
      selected.set(pkg, key);
  }
  return selected;
}

/**
 * The loaded graph as the registry stood at an instant: versions uploaded later are gone, with
 * their edges (resolved dependencies, publishers, declarations, advisories), advisories published
 * later are gone, and, for an instant in the past (`replay`), a package's maintainers are those
 * of its newest version uploaded by then (npm keeps a list per version) where that list is known:
 * the package's own list is today's. Versions without an upload time are
 * kept: unknown is not later. Everything downstream (release history, records, flags, the
 * resolved graph) then sees only the past, whatever the store holds.
 */
import type { TrustGraph } from './load.js';

export function graphAsOf(graph: TrustGraph, asOf: Date, replay: boolean): TrustGraph {
  const instant = asOf.getTime();
  const later = (iso: string | undefined): boolean =>
    iso !== undefined && !(Date.parse(iso) <= instant);
  const gone = new Set(
    [...graph.versions].filter(([, v]) => later(v.publishedAt)).map(([key]) => key),
  );
  const lateAdvisories = new Set(
    [...graph.vulnerabilities].filter(([, v]) => later(v.published)).map(([key]) => key),
  );
  if (gone.size === 0 && lateAdvisories.size === 0 && !replay) return graph;
  const keep = <V>(map: Map<string, V>): Map<string, V> =>
    new Map([...map].filter(([key]) => !gone.has(key)));
  const versionsOf = new Map(
    [...graph.versionsOf].map(([pkg, list]) => [pkg, list.filter((v) => !gone.has(v))]),
  );
  const affectedBy = new Map(
    [...keep(graph.affectedBy)]
      .map(([key, list]) => [key, list.filter((v) => !lateAdvisories.has(v))] as const)
      .filter(([, list]) => list.length > 0),
  );
  return {
    ...graph,
    versions: keep(graph.versions),
    versionsOf,
    packageOf: keep(graph.packageOf),
    publishers: keep(graph.publishers),
    maintainers: replay ? maintainersAsOf(graph, versionsOf) : graph.maintainers,
    resolves: new Map([...graph.resolves].filter(([, r]) => !gone.has(r.from) && !gone.has(r.to))),
    declared: new Map(
      [...graph.declared].filter(([id]) => !gone.has(id.slice(0, id.indexOf(' ')))),
    ),
    affectedBy,
    vulnerabilities: new Map(
      [...graph.vulnerabilities].filter(([key]) => !lateAdvisories.has(key)),
    ),
  };
}

/**
 * Each package's maintainers as its newest version by then lists them; the package's current
 * list (MAINTAINS) where no version says.
 */
function maintainersAsOf(
  graph: TrustGraph,
  versionsOf: Map<string, string[]>,
): Map<string, string[]> {
  const out = new Map(graph.maintainers);
  for (const [pkg, keys] of versionsOf) {
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

/**
 * A lockfile (or SBOM) as a root: its project becomes a Version node, the locked packages become
 * jobs that fetch and map each exact version (and follow nothing: the lockfile says what is
 * installed), and its edges become RESOLVES_TO {root} between the exact versions, the project's
 * own DEPENDS_ON {range, kind}. Pure: read-lockfile.ts reads the file.
 */
import { keyThatFits, npmPackageKey, npmVersionKey } from '../identity.js';
import type { VisitJob } from '../npm-closure.js';
import { GraphRecords } from '../records.js';
import type { Lockfile } from './lockfile.js';

export function lockfileRecords(
  lockfile: Lockfile,
  project: string,
  dev: boolean,
): { records: GraphRecords; jobs: VisitJob[] } {
  const records = new GraphRecords();
  // Entries are the lockfile's: one whose name or version cannot be a key gets no edge here (its
  // job fails as that package's), and long text is cut to what the store keeps.
  const keyOf = (p: { name: string; version: string }): string | undefined =>
    keyThatFits(() => npmVersionKey(p.name, p.version));
  records.node('Version', project, {
    version: lockfile.project.version?.slice(0, 256) ?? null,
    project: true,
    lockfile: lockfile.format,
  });
  const wanted = new Map(lockfile.packages.filter((p) => dev || !p.dev).map((p) => [p.id, p]));
  const jobs: VisitJob[] = [...wanted.values()].map((p) => ({
    name: p.name,
    spec: p.version,
    root: project,
    depth: 0,
    follow: false,
    ...(p.optional ? { optional: true } : {}),
  }));
  for (const edge of lockfile.edges) {
    const to = wanted.get(edge.to);
    const from = edge.from === '' ? undefined : wanted.get(edge.from);
    if (to === undefined || (edge.from !== '' && from === undefined)) continue;
    const fromKey = from === undefined ? project : keyOf(from);
    const toKey = keyOf(to);
    if (fromKey === undefined || toKey === undefined) continue;
    const range = edge.range.slice(0, 1000);
    records.relationship('RESOLVES_TO', fromKey, toKey, { root: project, range });
    if (from === undefined) {
      records.relationship('DEPENDS_ON', project, npmPackageKey(to.name), {
        range,
        kind: to.dev ? 'dev' : to.optional ? 'optional' : 'prod',
      });
    }
  }
  return { records, jobs };
}

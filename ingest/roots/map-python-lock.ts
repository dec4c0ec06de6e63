/**
 * A Python lockfile (or an SBOM's PyPI part) as graph records: the project a Version node, the
 * locked releases RESOLVES_TO {root} one another as the lockfile's edges say, the project's own
 * ones DEPENDS_ON {range, kind}, and each wanted release a PyPI root to fetch and map, not follow.
 * Pure: no file, client or writer.
 */
import { MAX_KEY_LENGTH, MAX_NAME_LENGTH } from '../../graph/values.js';
import type { Failure } from '../npm-closure.js';
import type { PyPiRoot } from '../pypi-closure.js';
import { keyThatFits } from '../identity.js';
import { GraphRecords } from '../records.js';
import { pypiPackageKey, pypiVersionKey } from '../sources/pypi/map-release.js';
import type { PythonLock } from './python-lockfile.js';

export interface MappedPythonRoot {
  records: GraphRecords;
  pypiRoots: PyPiRoot[];
  /** Entries no key can hold: reported as the run's failures, not silently dropped. */
  refused: Failure[];
}

/**
 * The exact releases of `lock` under `project`; development packages only with `dev`. `input` is
 * the root as the user gave it, which PyPI roots report back.
 */
export function mapPythonLock(
  lock: PythonLock,
  project: string,
  options: { input: string; dev: boolean },
): MappedPythonRoot {
  // An entry no key can hold (a hostile 5 MB name or version) is refused as that package's
  // failure: written, the store would refuse the whole batch, and with it the rest of the file.
  const fits = (p: { name: string; version: string }): boolean =>
    keyThatFits(() => pypiVersionKey(p.name, p.version)) !== undefined;
  const refused: Failure[] = lock.packages
    .filter((p) => (options.dev || !p.dev) && !fits(p))
    .map((p) => ({
      name: p.name.slice(0, 100),
      spec: `==${p.version.slice(0, 100)}`,
      parent: project,
      code: 'PACKAGE_INVALID',
      reason: `the lockfile's entry cannot be a key: a name over ${MAX_NAME_LENGTH} characters, a version that is not text, or a key over ${MAX_KEY_LENGTH}`,
      optional: false,
    }));
  const wanted = new Map(
    lock.packages.filter((p) => (options.dev || !p.dev) && fits(p)).map((p) => [p.name, p]),
  );
  const records = new GraphRecords();
  records.node('Version', project, { project: true, lockfile: lock.format });
  for (const edge of lock.edges) {
    const to = wanted.get(edge.to);
    const from = edge.from === '' ? undefined : wanted.get(edge.from);
    if (to === undefined || (edge.from !== '' && from === undefined)) continue;
    records.relationship(
      'RESOLVES_TO',
      from === undefined ? project : pypiVersionKey(from.name, from.version),
      pypiVersionKey(to.name, to.version),
      { root: project, range: `==${to.version}` },
    );
    if (from === undefined)
      records.relationship('DEPENDS_ON', project, pypiPackageKey(to.name), {
        range: `==${to.version}`,
        kind: to.dev ? 'dev' : 'prod',
      });
  }
  const pypiRoots = [...wanted.values()].map((p): PyPiRoot => ({
    input: options.input,
    requirement: { name: p.name, extras: [], specifier: `==${p.version}`, marker: undefined },
    from: { key: project, root: project },
    locked: true,
  }));
  return { records, pypiRoots, refused };
}

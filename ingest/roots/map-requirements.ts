/**
 * A requirements file as graph records: the project a Version node with DEPENDS_ON {range, kind}
 * to every requirement (`marker` when it has one), and a PyPI root for each requirement whose
 * marker holds in the environment. Pure: the file is read by requirements.ts.
 */
import type { PyPiRoot } from '../pypi-closure.js';
import { GraphRecords } from '../records.js';
import { pypiPackageKey } from '../sources/pypi/map-release.js';
import { markerHolds, type PythonEnvironment } from '../sources/pypi/requirement.js';
import type { MappedPythonRoot } from './map-python-lock.js';
import type { RequirementsFile } from './requirements.js';

/**
 * The requirements of `file` under `project`. A requirement whose marker does not hold in
 * `environment` keeps its edge (the project asks for it somewhere) but is not followed here.
 */
export function mapRequirements(
  file: RequirementsFile,
  project: string,
  options: { input: string; environment: PythonEnvironment | 'all' },
): MappedPythonRoot {
  const records = new GraphRecords();
  records.node('Version', project, { project: true, lockfile: 'requirements' });
  const pypiRoots: PyPiRoot[] = [];
  for (const requirement of file.requirements) {
    records.relationship('DEPENDS_ON', project, pypiPackageKey(requirement.name), {
      range: requirement.specifier === '' ? '*' : requirement.specifier,
      kind: requirement.marker === undefined ? 'prod' : 'marker',
    });
    if (!markerHolds(requirement.marker, options.environment)) continue;
    pypiRoots.push({ input: options.input, requirement, from: { key: project, root: project } });
  }
  return { records, pypiRoots, refused: [] };
}

/**
 * SBOMs as roots: CycloneDX JSON (1.4 to 1.6) and SPDX JSON (2.3). Every component with an npm
 * package URL is read as an exact version, as a lockfile's would be; the dependency graph comes
 * from CycloneDX `dependencies` or SPDX `DEPENDS_ON`/`*_DEPENDENCY_OF` relationships (without one,
 * every component counts as the project's own dependency). Components of other ecosystems are
 * left out, and counted.
 */
import { PackageURL } from 'packageurl-js';
import { InvalidInputError } from '../../core/errors.js';
import { isRecord, own } from '../untrusted.js';
import type { LockedEdge, LockedPackage, Lockfile } from './lockfile.js';
import type { PythonLock } from './python-lockfile.js';
import { normaliseName } from '../sources/pypi/requirement.js';

export interface SbomLockfile extends Lockfile {
  /** Components skipped because their purl is neither npm nor PyPI (or they have none). */
  skipped: number;
  /** The PyPI components, with the document's edges among them and from the project. */
  python: PythonLock;
}

/** Whether a parsed JSON document is an SBOM trustmap reads. */
export function isSbom(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    (own(doc, 'bomFormat') === 'CycloneDX' || typeof own(doc, 'spdxVersion') === 'string')
  );
}

function npmPurl(raw: unknown): { name: string; version: string } | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('pkg:npm/')) return undefined;
  try {
    const purl = PackageURL.fromString(raw);
    if (purl.version == null) return undefined;
    return {
      name: purl.namespace == null ? purl.name : `${purl.namespace}/${purl.name}`,
      version: purl.version,
    };
  } catch {
    return undefined;
  }
}

function pypiPurl(raw: unknown): { name: string; version: string } | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('pkg:pypi/')) return undefined;
  try {
    const purl = PackageURL.fromString(raw);
    return purl.version == null
      ? undefined
      : { name: normaliseName(purl.name), version: purl.version };
  } catch {
    return undefined;
  }
}

/** The PyPI side of an SBOM, filled as components and edges are read. */
class PythonPart {
  readonly byId = new Map<string, { name: string; version: string }>();
  readonly edges: { from: string; to: string }[] = [];
  add(id: string, purl: unknown): boolean {
    const pkg = pypiPurl(purl);
    if (pkg === undefined) return false;
    this.byId.set(id, pkg);
    return true;
  }
  /** An edge of the document; `from` is '' for the project. */
  edge(from: string, to: string): void {
    const target = this.byId.get(to);
    const source = from === '' ? undefined : this.byId.get(from);
    if (target !== undefined && (from === '' || source !== undefined))
      this.edges.push({ from: source?.name ?? '', to: target.name });
  }
  lock(format: string): PythonLock {
    const packages = [...this.byId.values()].map((p) => ({ ...p, dev: false }));
    return {
      format,
      project: { name: undefined, version: undefined },
      packages,
      edges: this.edges.length > 0 ? this.edges : packages.map((p) => ({ from: '', to: p.name })),
    };
  }
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function readSbom(doc: unknown, file: string): SbomLockfile {
  if (!isRecord(doc)) throw new InvalidInputError(`${file} is not an SBOM`);
  if (own(doc, 'bomFormat') === 'CycloneDX') return readCycloneDx(doc, file);
  const spdx = own(doc, 'spdxVersion');
  if (spdx === 'SPDX-2.3' || spdx === 'SPDX-2.2') return readSpdx(doc);
  throw new InvalidInputError(
    `${file}: ${typeof spdx === 'string' ? spdx : 'this document'} is not an SBOM trustmap reads (CycloneDX JSON 1.4-1.6, SPDX JSON 2.3)`,
  );
}

function readCycloneDx(doc: Record<string, unknown>, file: string): SbomLockfile {
  const spec = str(own(doc, 'specVersion')) ?? '';
  if (!['1.4', '1.5', '1.6'].includes(spec))
    throw new InvalidInputError(`${file}: CycloneDX ${spec || '(no specVersion)'} is not 1.4-1.6`);
  const metadata = own(doc, 'metadata');
  const root = isRecord(metadata) ? own(metadata, 'component') : undefined;
  const rootRef = isRecord(root) ? str(own(root, 'bom-ref')) : undefined;
  const packages = new Map<string, LockedPackage>();
  const python = new PythonPart();
  let skipped = 0;
  const visit = (components: unknown): void => {
    for (const component of list(components)) {
      if (!isRecord(component)) continue;
      const purl = npmPurl(own(component, 'purl'));
      const ref = str(own(component, 'bom-ref')) ?? str(own(component, 'purl'));
      if (ref !== undefined && purl === undefined && python.add(ref, own(component, 'purl'))) {
        // a PyPI component
      } else if (purl === undefined || ref === undefined) skipped++;
      else {
        const scope = own(component, 'scope');
        packages.set(ref, {
          id: ref,
          name: purl.name,
          version: purl.version,
          dev: scope === 'excluded',
          optional: scope === 'optional',
        });
      }
      visit(own(component, 'components'));
    }
  };
  visit(own(doc, 'components'));
  const edges: LockedEdge[] = [];
  const dependencies = list(own(doc, 'dependencies'));
  for (const dependency of dependencies) {
    if (!isRecord(dependency)) continue;
    const ref = str(own(dependency, 'ref'));
    const from = ref === rootRef ? '' : ref;
    if (from === undefined || (from !== '' && !packages.has(from))) continue;
    for (const target of list(own(dependency, 'dependsOn'))) {
      python.edge(from, str(target) ?? '');
      const to = packages.get(str(target) ?? '');
      if (to !== undefined) edges.push({ from, to: to.id, range: to.version });
    }
  }
  return finish(
    `cyclonedx-${spec}`,
    {
      name: isRecord(root) ? str(own(root, 'name')) : undefined,
      version: isRecord(root) ? str(own(root, 'version')) : undefined,
    },
    packages,
    edges,
    skipped,
    python.lock(`cyclonedx-${spec}`),
  );
}

function readSpdx(doc: Record<string, unknown>): SbomLockfile {
  const packages = new Map<string, LockedPackage>();
  const names = new Map<string, { name: string | undefined; version: string | undefined }>();
  const python = new PythonPart();
  let skipped = 0;
  for (const pkg of list(own(doc, 'packages'))) {
    if (!isRecord(pkg)) continue;
    const id = str(own(pkg, 'SPDXID'));
    if (id === undefined) continue;
    names.set(id, { name: str(own(pkg, 'name')), version: str(own(pkg, 'versionInfo')) });
    const locator = list(own(pkg, 'externalRefs'))
      .filter(isRecord)
      .find((ref) => own(ref, 'referenceType') === 'purl');
    const purl = npmPurl(locator === undefined ? undefined : own(locator, 'referenceLocator'));
    if (
      purl === undefined &&
      python.add(id, locator === undefined ? undefined : own(locator, 'referenceLocator'))
    ) {
      // a PyPI package
    } else if (purl === undefined) skipped++;
    else
      packages.set(id, { id, name: purl.name, version: purl.version, dev: false, optional: false });
  }
  const relationships = list(own(doc, 'relationships')).filter(isRecord);
  const described =
    relationships
      .filter((r) => own(r, 'relationshipType') === 'DESCRIBES')
      .map((r) => str(own(r, 'relatedSpdxElement')))[0] ??
    list(own(doc, 'documentDescribes')).map(str)[0];
  // The described package is the project, not one of its dependencies.
  const project = described === undefined ? {} : (names.get(described) ?? {});
  if (described !== undefined) {
    // It was counted as skipped when it had no npm purl; it is no dependency either way.
    if (!packages.has(described) && names.has(described)) skipped--;
    packages.delete(described);
  }
  const edges: LockedEdge[] = [];
  const edge = (
    from: string | undefined,
    to: string | undefined,
    kind?: 'dev' | 'optional',
  ): void => {
    if (from === undefined || to === undefined) return;
    const source = from === described ? '' : from;
    python.edge(source, to);
    const target = packages.get(to);
    if (target === undefined || (source !== '' && !packages.has(source))) return;
    if (kind === 'dev') target.dev = true;
    if (kind === 'optional') target.optional = true;
    edges.push({ from: source, to, range: target.version });
  };
  for (const r of relationships) {
    const a = str(own(r, 'spdxElementId'));
    const b = str(own(r, 'relatedSpdxElement'));
    switch (own(r, 'relationshipType')) {
      case 'DEPENDS_ON':
        edge(a, b);
        break;
      case 'DEPENDENCY_OF':
        edge(b, a);
        break;
      case 'DEV_DEPENDENCY_OF':
        edge(b, a, 'dev');
        break;
      case 'OPTIONAL_DEPENDENCY_OF':
        edge(b, a, 'optional');
        break;
      default:
    }
  }
  const format = `spdx-${String(own(doc, 'spdxVersion')).slice(5)}`;
  return finish(format, project, packages, edges, skipped, python.lock(format));
}

/** Without any dependency edge, every component is the project's own dependency. */
function finish(
  format: string,
  project: { name?: string | undefined; version?: string | undefined },
  packages: Map<string, LockedPackage>,
  edges: LockedEdge[],
  skipped: number,
  python: PythonLock,
): SbomLockfile {
  const all = [...packages.values()];
  const reached =
    edges.length === 0 ? all.map((p) => ({ from: '', to: p.id, range: p.version })) : edges;
  return {
    format,
    project: { name: project.name, version: project.version },
    packages: all,
    edges: reached,
    skipped,
    python: { ...python, project: { name: project.name, version: project.version } },
  };
}

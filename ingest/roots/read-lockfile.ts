/**
 * A lockfile as a root: its project becomes a Version node, the locked packages become jobs that
 * fetch and map each exact version (and follow nothing: the lockfile says what is installed), and
 * its edges become RESOLVES_TO {root} between the exact versions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../core/errors.js';
import { MAX_KEY_LENGTH } from '../../graph/values.js';
import { assertNpmName, npmPackageKey, npmVersionKey } from '../identity.js';
import type { VisitJob } from '../npm-closure.js';
import { GraphRecords } from '../records.js';
import type { Lockfile } from './lockfile.js';
import { stringMap } from '../untrusted.js';
import { readNpmLockfile } from './npm-lockfile.js';
import { isSbom, readSbom } from './sbom.js';
import { readPnpmLockfile } from './pnpm-lockfile.js';
import { readYarnLockfile, type ProjectManifest } from './yarn-lockfile.js';

/** The package.json beside a lockfile, if there is one: the project's name and dependencies. */
export function manifestBeside(file: string): ProjectManifest | undefined {
  const manifest = path.join(path.dirname(file), 'package.json');
  if (!fs.existsSync(manifest)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${manifest} is not JSON`, { cause: error });
  }
  const record = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  return {
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.version === 'string' ? { version: record.version } : {}),
    dependencies: stringMap(record.dependencies),
    devDependencies: stringMap(record.devDependencies),
    optionalDependencies: stringMap(record.optionalDependencies),
  };
}

function withProject(lockfile: Lockfile, manifest: ProjectManifest | undefined): Lockfile {
  return { ...lockfile, project: { name: manifest?.name, version: manifest?.version } };
}

const MAX_LOCKFILE_BYTES = 256 * 2 ** 20;

/**
 * Reads a lockfile or SBOM. Whatever is wrong with it is an `InvalidInputError` naming the file:
 * the readers say what they refuse, and any other fault of ours the file brings out is named so
 * too (with its cause), never a bare TypeError.
 */
export function readLockfile(file: string): Lockfile {
  try {
    return readAnyLockfile(file);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${file} cannot be read: ${why}`, { cause: error });
  }
}

function readAnyLockfile(file: string): Lockfile {
  const size = fs.statSync(file).size;
  if (size > MAX_LOCKFILE_BYTES)
    throw new InvalidInputError(`${file} is over ${MAX_LOCKFILE_BYTES} bytes`);
  const content = fs.readFileSync(file, 'utf8');
  const base = path.basename(file);
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json')
    return readNpmLockfile(content, file);
  if (base === 'pnpm-lock.yaml')
    return withProject(readPnpmLockfile(content, file), manifestBeside(file));
  if (base === 'yarn.lock') return readYarnLockfile(content, file, manifestBeside(file));
  if (base.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(content);
    } catch (error) {
      throw new InvalidInputError(`${file} is not JSON`, { cause: error });
    }
    if (isSbom(doc)) return readSbom(doc, file);
  }
  throw new InvalidInputError(`${file}: not a lockfile or SBOM trustmap reads`);
}

function validName(name: string | undefined): name is string {
  if (name === undefined) return false;
  try {
    assertNpmName(name);
    return true;
  } catch {
    return false;
  }
}

/** The key of the project a lockfile locks: its package URL, or the folder's name when it has none. */
export function projectKey(lockfile: Lockfile, file: string): string {
  const name = lockfile.project.name;
  const version = lockfile.project.version ?? '0.0.0-unversioned';
  if (validName(name) && version.length <= 256) {
    try {
      return npmVersionKey(name, version);
    } catch {
      // a version no package URL can hold (a lone surrogate): named by its folder instead
    }
  }
  return `project:${path.basename(path.dirname(file))}`;
}

export function lockfileRecords(
  lockfile: Lockfile,
  project: string,
  dev: boolean,
): { records: GraphRecords; jobs: VisitJob[] } {
  const records = new GraphRecords();
  // Entries are the lockfile's: one whose name or version cannot be a key gets no edge here (its
  // job fails as that package's), and long text is cut to what the store keeps.
  const keyOf = (p: { name: string; version: string }): string | undefined => {
    try {
      const key = npmVersionKey(p.name, p.version);
      return key.length <= MAX_KEY_LENGTH ? key : undefined;
    } catch {
      return undefined;
    }
  };
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

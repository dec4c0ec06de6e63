/**
 * Python lockfiles as roots: `poetry.lock` and `uv.lock` (TOML, through smol-toml) and
 * `Pipfile.lock` (JSON). Every locked package is an exact release; the edges are the lockfile's
 * own (poetry's and uv's per-package dependencies; Pipfile.lock has none, so every package is the
 * project's). Development groups are marked and followed only with --dev.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { InvalidInputError } from '../../core/errors.js';
import { normaliseName } from '../sources/pypi/requirement.js';
import { isRecord, own } from '../untrusted.js';

export const PYTHON_LOCKFILES = ['poetry.lock', 'uv.lock', 'Pipfile.lock'];

export interface PythonLock {
  format: string;
  project: { name: string | undefined; version: string | undefined };
  packages: { name: string; version: string; dev: boolean }[];
  /** Edges between normalised names; '' is the project. */
  edges: { from: string; to: string }[];
}

const MAX_BYTES = 64 * 2 ** 20;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function readPythonLockfile(file: string): PythonLock {
  if (fs.statSync(file).size > MAX_BYTES)
    throw new InvalidInputError(`${file} is over ${MAX_BYTES} bytes`);
  const content = fs.readFileSync(file, 'utf8');
  const base = path.basename(file);
  try {
    if (base === 'Pipfile.lock') return readPipfileLock(JSON.parse(content) as unknown);
    const doc = parseToml(content) as unknown;
    if (base === 'poetry.lock') return readPoetryLock(doc, path.dirname(file));
    if (base === 'uv.lock') return readUvLock(doc);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      // Named here: the readers below say what is wrong, not where.
      const named = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
      throw new InvalidInputError(named, { cause: error });
    }
    throw new InvalidInputError(`${file} is not a ${base} trustmap can read`, { cause: error });
  }
  throw new InvalidInputError(`${file}: not a Python lockfile (${PYTHON_LOCKFILES.join(', ')})`);
}

function readPipfileLock(doc: unknown): PythonLock {
  if (!isRecord(doc)) throw new InvalidInputError('not a JSON object');
  const packages: PythonLock['packages'] = [];
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    const entries = own(doc, section);
    if (!isRecord(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      const pinned = isRecord(entry) ? str(own(entry, 'version')) : undefined;
      if (pinned?.startsWith('==') !== true) continue; // VCS and path entries have no version
      packages.push({ name: normaliseName(name), version: pinned.slice(2), dev });
    }
  }
  return {
    format: 'Pipfile.lock',
    project: { name: undefined, version: undefined },
    packages,
    edges: packages.map((p) => ({ from: '', to: p.name })),
  };
}

function dependencyNames(value: unknown): string[] {
  // poetry: {name = "spec" | {version, markers, optional}}; uv: [{name = "x", marker = ...}]
  if (isRecord(value)) return Object.keys(value).map(normaliseName);
  return list(value)
    .map((d) => (isRecord(d) ? str(own(d, 'name')) : undefined))
    .filter((n): n is string => n !== undefined)
    .map(normaliseName);
}

function readPoetryLock(doc: unknown, dir: string): PythonLock {
  if (!isRecord(doc)) throw new InvalidInputError('not a TOML table');
  const packages: PythonLock['packages'] = [];
  const edges: PythonLock['edges'] = [];
  for (const entry of list(own(doc, 'package'))) {
    if (!isRecord(entry)) continue;
    const name = str(own(entry, 'name'));
    const version = str(own(entry, 'version'));
    if (name === undefined || version === undefined) continue;
    const groups = list(own(entry, 'groups')).map(String);
    const category = str(own(entry, 'category'));
    const dev = category === 'dev' || (groups.length > 0 && !groups.includes('main'));
    packages.push({ name: normaliseName(name), version, dev });
    for (const to of dependencyNames(own(entry, 'dependencies')))
      edges.push({ from: normaliseName(name), to });
  }
  // The project's own dependencies are in pyproject.toml beside the lockfile.
  const project = readPyProject(dir);
  const names = new Set(packages.map((p) => p.name));
  const direct =
    project.dependencies.length > 0
      ? project.dependencies.filter((n) => names.has(n))
      : [...names].filter((n) => !edges.some((e) => e.to === n));
  for (const to of direct) edges.push({ from: '', to });
  return {
    format: 'poetry.lock',
    project: { name: project.name, version: project.version },
    packages,
    edges,
  };
}

function readPyProject(dir: string): {
  name?: string | undefined;
  version?: string | undefined;
  dependencies: string[];
} {
  const file = path.join(dir, 'pyproject.toml');
  if (!fs.existsSync(file)) return { dependencies: [] };
  let doc: unknown;
  try {
    doc = parseToml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${file} (beside the lockfile) is not TOML`, { cause: error });
  }
  const projectTable = isRecord(doc) ? own(doc, 'project') : undefined;
  const tool = isRecord(doc) ? own(doc, 'tool') : undefined;
  const poetry = isRecord(tool) ? own(tool, 'poetry') : undefined;
  const names: string[] = [];
  for (const line of isRecord(projectTable) ? list(own(projectTable, 'dependencies')) : []) {
    const match = typeof line === 'string' ? /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line) : null;
    if (match?.[1] !== undefined) names.push(normaliseName(match[1]));
  }
  const poetryDeps = isRecord(poetry) ? own(poetry, 'dependencies') : undefined;
  if (isRecord(poetryDeps))
    names.push(
      ...Object.keys(poetryDeps)
        .map(normaliseName)
        .filter((n) => n !== 'python'),
    );
  const from = isRecord(projectTable) ? projectTable : isRecord(poetry) ? poetry : {};
  return { name: str(own(from, 'name')), version: str(own(from, 'version')), dependencies: names };
}

function readUvLock(doc: unknown): PythonLock {
  if (!isRecord(doc)) throw new InvalidInputError('not a TOML table');
  const packages: PythonLock['packages'] = [];
  const edges: PythonLock['edges'] = [];
  const devNames = new Set<string>();
  let project: { name: string | undefined; version: string | undefined } = {
    name: undefined,
    version: undefined,
  };
  for (const entry of list(own(doc, 'package'))) {
    if (!isRecord(entry)) continue;
    const name = str(own(entry, 'name'));
    const version = str(own(entry, 'version'));
    if (name === undefined) continue;
    const source = own(entry, 'source');
    // The project itself is the package whose source is the folder (editable or virtual).
    const local =
      isRecord(source) && (own(source, 'editable') === '.' || own(source, 'virtual') === '.');
    const from = local ? '' : normaliseName(name);
    if (local) project = { name, version };
    else if (version !== undefined)
      packages.push({ name: normaliseName(name), version, dev: false });
    for (const to of dependencyNames(own(entry, 'dependencies'))) edges.push({ from, to });
    const devGroups = own(entry, 'dev-dependencies');
    if (local && isRecord(devGroups))
      for (const group of Object.values(devGroups))
        for (const to of dependencyNames(group)) {
          edges.push({ from: '', to });
          devNames.add(to);
        }
  }
  // A package only development groups ask for is a development dependency.
  const needed = new Set(
    edges.filter((e) => !(e.from === '' && devNames.has(e.to))).map((e) => e.to),
  );
  for (const p of packages) if (devNames.has(p.name) && !needed.has(p.name)) p.dev = true;
  return { format: 'uv.lock', project, packages, edges };
}

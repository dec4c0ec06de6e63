/**
 * package-lock.json and npm-shrinkwrap.json, lockfileVersion 1 (a nested `dependencies` tree),
 * 2 and 3 (a flat `packages` map keyed by install path). Versions are taken as locked; who
 * requires whom is found the way Node resolves a require: the nearest `node_modules` up the path.
 */
import { InvalidInputError } from '../../core/errors.js';
import type { LockedEdge, LockedPackage, Lockfile } from './lockfile.js';
import { isRecord, own, scalarText, stringEntries, type Json } from '../untrusted.js';

function locked(path: string, name: string, version: string, entry: Json): LockedPackage {
  return {
    id: path,
    name,
    version,
    dev: own(entry, 'dev') === true,
    optional: own(entry, 'optional') === true,
  };
}

/** The package name a `node_modules/...` path installs. */
function nameAt(path: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path);
  return match?.[1];
}

/** Where Node finds `name` required from the package at `from` ('' is the project). */
function locate(
  packages: Map<string, LockedPackage>,
  from: string,
  name: string,
): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages.has(candidate)) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

function readV2(doc: Json, entries: Json): Lockfile {
  const packages = new Map<string, LockedPackage>();
  for (const path of Object.keys(entries)) {
    const entry = entries[path];
    if (path === '' || !isRecord(entry) || own(entry, 'link') === true) continue;
    const name =
      typeof own(entry, 'name') === 'string' ? (own(entry, 'name') as string) : nameAt(path);
    const version = own(entry, 'version');
    if (name === undefined || typeof version !== 'string') continue;
    // Packages installed from git, a tarball URL or a folder have no registry version to look up.
    // Packages installed from git or a folder have no registry version to look up.
    const resolved = own(entry, 'resolved');
    if (typeof resolved === 'string' && /^(git|file:|github:)/.test(resolved)) continue;
    packages.set(path, locked(path, name, version, entry));
  }
  const edges: LockedEdge[] = [];
  const root = isRecord(own(entries, '')) ? (own(entries, '') as Json) : {};
  const dependents: [string, Json][] = [
    ['', root],
    ...[...packages.keys()].map((p) => [p, entries[p] as Json] as [string, Json]),
  ];
  for (const [from, entry] of dependents) {
    const fields =
      from === ''
        ? ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']
        : ['dependencies', 'optionalDependencies', 'peerDependencies'];
    for (const [name, range] of stringEntries(entry, fields)) {
      const to = locate(packages, from, name);
      if (to !== undefined) edges.push({ from, to, range });
    }
  }
  return {
    format: `npm lockfileVersion ${scalarText(own(doc, 'lockfileVersion'))?.slice(0, 32) ?? 'unknown'}`,
    project: {
      name: text(own(root, 'name')) ?? text(own(doc, 'name')),
      version: text(own(root, 'version')) ?? text(own(doc, 'version')),
    },
    packages: [...packages.values()],
    edges,
  };
}

function readV1(doc: Json): Lockfile {
  const packages = new Map<string, LockedPackage>();
  const requires: [string, [string, string][]][] = [];
  const walk = (tree: unknown, base: string): void => {
    if (!isRecord(tree)) return;
    for (const name of Object.keys(tree)) {
      const entry = tree[name];
      if (!isRecord(entry)) continue;
      const path = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      const version = own(entry, 'version');
      if (typeof version === 'string' && /^\d/.test(version)) {
        packages.set(path, locked(path, name, version, entry));
        requires.push([path, stringEntries(entry, ['requires'])]);
      }
      walk(own(entry, 'dependencies'), path);
    }
  };
  walk(own(doc, 'dependencies'), '');
  const edges: LockedEdge[] = [];
  // Version 1 does not say what the project itself requires: every top-level package is taken.
  for (const pkg of packages.values()) {
    if (pkg.id === `node_modules/${pkg.name}`)
      edges.push({ from: '', to: pkg.id, range: pkg.version });
  }
  for (const [from, wanted] of requires) {
    for (const [name, range] of wanted) {
      const to = locate(packages, from, name);
      if (to !== undefined) edges.push({ from, to, range });
    }
  }
  return {
    format: 'npm lockfileVersion 1',
    project: { name: text(own(doc, 'name')), version: text(own(doc, 'version')) },
    packages: [...packages.values()],
    edges,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readNpmLockfile(content: string, file: string): Lockfile {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    throw new InvalidInputError(`${file} is not JSON`, { cause: error });
  }
  if (!isRecord(doc)) throw new InvalidInputError(`${file} is not a package-lock.json`);
  const entries = own(doc, 'packages');
  if (isRecord(entries)) return readV2(doc, entries);
  if (isRecord(own(doc, 'dependencies')) || own(doc, 'lockfileVersion') === 1) return readV1(doc);
  throw new InvalidInputError(
    `${file} has neither "packages" nor "dependencies": not a package-lock.json`,
  );
}

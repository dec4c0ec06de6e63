/**
 * pnpm-lock.yaml, lockfileVersion 6 (packages keyed `/name@version`) and 9 (`packages` for
 * metadata, `snapshots` for dependencies, keys `name@version(peers)`). The project's own
 * dependencies come from the root importer; a package is dev when only dev dependencies reach it.
 */
import { parse } from 'yaml';
import { InvalidInputError } from '../../core/errors.js';
import type { LockedEdge, LockedPackage, Lockfile } from './lockfile.js';
import { isRecord, own, scalarText, stringEntries, type Json } from '../untrusted.js';

/** `/@scope/name@1.2.3(peer@1)` -> name `@scope/name`, version `1.2.3`. */
export function splitPnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

/** The package key a dependency reference points at. */
function target(name: string, reference: string): string {
  if (reference.startsWith('/')) return reference.slice(1);
  // An alias (v9: `string-width@4.2.3`); a plain version otherwise (`4.2.3` or `4.2.3(peer@1)`).
  if (/^(@[^/]+\/)?[^@/]+@/.test(reference) && !/^\d/.test(reference)) return reference;
  return `${name}@${reference}`;
}

const KINDS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;

export function readPnpmLockfile(content: string, file: string): Lockfile {
  let doc: unknown;
  try {
    doc = parse(content, { maxAliasCount: 1000 });
  } catch (error) {
    throw new InvalidInputError(`${file} is not YAML`, { cause: error });
  }
  const version = isRecord(doc) ? scalarText(own(doc, 'lockfileVersion'))?.slice(0, 32) : undefined;
  if (!isRecord(doc) || version === undefined) {
    throw new InvalidInputError(`${file} is not a pnpm-lock.yaml (no lockfileVersion)`);
  }
  const importers = own(doc, 'importers');
  const rootImporter =
    isRecord(importers) && isRecord(own(importers, '.')) ? (own(importers, '.') as Json) : doc;
  const graph = isRecord(own(doc, 'snapshots'))
    ? (own(doc, 'snapshots') as Json)
    : isRecord(own(doc, 'packages'))
      ? (own(doc, 'packages') as Json)
      : {};

  const nodes = new Map<
    string,
    { name: string; version: string; optional: boolean; deps: [string, string][] }
  >();
  for (const rawKey of Object.keys(graph)) {
    const entry = graph[rawKey];
    const key = rawKey.replace(/^\//, '');
    const id = splitPnpmKey(key);
    if (id === undefined || !/^\d/.test(id.version) || !isRecord(entry)) continue;
    const deps = stringEntries(entry, ['dependencies', 'optionalDependencies']).map(
      ([name, reference]): [string, string] => [name, target(name, reference)],
    );
    nodes.set(key, { ...id, optional: own(entry, 'optional') === true, deps });
  }

  const edges: LockedEdge[] = [];
  const reachedFromProd = new Set<string>();
  const walk = (start: string): void => {
    const stack = [start];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (reachedFromProd.has(key)) continue;
      reachedFromProd.add(key);
      for (const [, to] of nodes.get(key)?.deps ?? []) if (nodes.has(to)) stack.push(to);
    }
  };
  for (const kind of KINDS) {
    const map = own(rootImporter, kind);
    if (!isRecord(map)) continue;
    for (const name of Object.keys(map)) {
      const spec = map[name];
      const reference = isRecord(spec) ? own(spec, 'version') : spec;
      if (typeof reference !== 'string') continue;
      const specifier = isRecord(spec) ? own(spec, 'specifier') : undefined;
      const range = typeof specifier === 'string' ? specifier : reference;
      const to = target(name, reference);
      if (!nodes.has(to)) continue;
      edges.push({ from: '', to, range });
      if (kind !== 'devDependencies') walk(to);
    }
  }
  const packages: LockedPackage[] = [];
  for (const [key, node] of nodes) {
    packages.push({
      id: key,
      name: node.name,
      version: node.version,
      dev: !reachedFromProd.has(key),
      optional: node.optional,
    });
    for (const [, to] of node.deps) {
      const dependency = nodes.get(to);
      if (dependency !== undefined)
        edges.push({
          from: key,
          to,
          range: dependency.version,
        });
    }
  }
  return {
    format: `pnpm lockfileVersion ${version}`,
    project: { name: undefined, version: undefined },
    packages,
    edges,
  };
}

/**
 * yarn.lock, classic (v1, its own format, read by @yarnpkg/lockfile) and berry (YAML, read by
 * the yaml package with the failsafe schema, every scalar a string, as @yarnpkg/parsers reads it;
 * that parser's fallback took a minute and then failed on a file that opens with a stray quote). Entries are keyed by the descriptors (`name@range`) they satisfy; a
 * dependency is found by its descriptor. The project's own dependencies, and which are dev, come
 * from the package.json beside the lockfile when there is one.
 */
import { createRequire } from 'node:module';
import type { ParseResult } from '@yarnpkg/lockfile';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../core/errors.js';
import type { LockedEdge, LockedPackage, Lockfile } from './lockfile.js';
import { isRecord, own, stringEntries, type Json } from '../untrusted.js';

// Loaded with require: the package is a CommonJS bundle whose `default` export is not the parser,
// which bundlers and Node's ESM loader disagree about.
const yarnClassic = createRequire(import.meta.url)('@yarnpkg/lockfile') as {
  parse: (content: string) => ParseResult;
};

/** `string-width-cjs@npm:string-width@^4.2.0` -> the package really installed: `string-width`. */
function realName(descriptor: string, berry: boolean): string | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at <= 0) return undefined;
  const name = descriptor.slice(0, at);
  const range = descriptor.slice(at + 1);
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)@/.exec(range);
  if (alias?.[1] !== undefined) return alias[1];
  if (berry && !range.startsWith('npm:')) return undefined; // workspace:, patch:, git, file: ...
  return name;
}

function descriptorFor(name: string, range: string, berry: boolean): string {
  return berry && !range.includes(':') ? `${name}@npm:${range}` : `${name}@${range}`;
}

export interface ProjectManifest {
  name?: string;
  version?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

/**
 * The first line (1-based) with a string that does not end on it. @yarnpkg/lockfile reads an
 * unterminated string (and a last-line comment) on past the end of the file until memory runs
 * out (a minute, then a RangeError), so such a file is refused before it is parsed; no lockfile
 * string spans lines.
 */
function unterminatedString(content: string): number | undefined {
  const lines = content.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line.trimStart().startsWith('#')) continue;
    let quotes = 0;
    for (let i = 0; i < line.length; i++)
      if (line[i] === '"' && !(line[i - 1] === '\\' && line[i - 2] !== '\\')) quotes++;
    if (quotes % 2 === 1) return n + 1;
  }
  return undefined;
}

export function readYarnLockfile(
  content: string,
  file: string,
  manifest: ProjectManifest | undefined,
): Lockfile {
  const berry = /^__metadata:/m.test(content);
  let entries: Json;
  try {
    if (berry) {
      const doc: unknown = parseYaml(content, { schema: 'failsafe', maxAliasCount: 1000 });
      if (!isRecord(doc)) throw new Error('not a YAML mapping');
      entries = doc;
    } else {
      const line = unterminatedString(content);
      if (line !== undefined) throw new Error(`line ${line} has a string that does not end`);
      // It reads a comment to the next newline, past the end of a file that has none.
      const parsed = yarnClassic.parse(content.endsWith('\n') ? content : `${content}\n`);
      if (parsed.type !== 'success') throw new Error(`parse ${parsed.type}`);
      entries = parsed.object;
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${file} is not a yarn.lock: ${why}`, { cause: error });
  }
  const byDescriptor = new Map<string, string>();
  const nodes = new Map<string, { name: string; version: string; deps: [string, string][] }>();
  for (const key of Object.keys(entries)) {
    const entry = entries[key];
    if (key === '__metadata' || !isRecord(entry)) continue;
    const version = own(entry, 'version');
    const descriptors = key.split(',').map((d) => d.trim().replace(/^"|"$/g, ''));
    const name = descriptors[0] === undefined ? undefined : realName(descriptors[0], berry);
    if (name === undefined || typeof version !== 'string' || !/^\d/.test(version)) continue;
    const id = `${name}@${version}`;
    for (const descriptor of descriptors) byDescriptor.set(descriptor, id);
    const deps = stringEntries(entry, ['dependencies', 'optionalDependencies']);
    nodes.set(id, { name, version, deps });
  }
  const edges: LockedEdge[] = [];
  for (const [id, node] of nodes) {
    for (const [dep, range] of node.deps) {
      const to = byDescriptor.get(descriptorFor(dep, range, berry));
      if (to !== undefined) edges.push({ from: id, to, range: range.replace(/^npm:/, '') });
    }
  }
  const adjacency = new Map<string, string[]>();
  for (const edge of edges)
    adjacency.set(edge.from, [...(adjacency.get(edge.from) ?? []), edge.to]);
  const prod = new Set<string>();
  const projectDeps: [string, string, boolean][] =
    manifest === undefined
      ? [...nodes.keys()].map((id) => [id, '*', false])
      : [
          ...Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies }).map(
            ([n, r]) => [n, r, false] as [string, string, boolean],
          ),
          ...Object.entries(manifest.devDependencies).map(
            ([n, r]) => [n, r, true] as [string, string, boolean],
          ),
        ];
  for (const [name, range, dev] of projectDeps) {
    const to = manifest === undefined ? name : byDescriptor.get(descriptorFor(name, range, berry));
    if (to === undefined) continue;
    edges.push({ from: '', to, range });
    if (!dev) {
      const stack = [to];
      while (stack.length > 0) {
        const id = stack.pop() as string;
        if (prod.has(id)) continue;
        prod.add(id);
        stack.push(...(adjacency.get(id) ?? []));
      }
    }
  }
  const packages: LockedPackage[] = [...nodes].map(([id, node]) => ({
    id,
    name: node.name,
    version: node.version,
    dev: !prod.has(id),
    optional: false,
  }));
  return {
    format: berry ? 'yarn berry' : 'yarn classic',
    project: { name: manifest?.name, version: manifest?.version },
    packages,
    edges,
  };
}

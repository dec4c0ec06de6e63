/**
 * The parts of an npm packument trustmap reads, taken from an untrusted document: fields of the
 * wrong type are treated as absent, strings are capped, and no key of the document is ever used to
 * index an object we own (so `__proto__` and friends are plain data).
 */
import { InvalidPackageError } from '../../../core/errors.js';
import { arrayItems, isRecord, own } from '../../untrusted.js';

export interface NpmPerson {
  name: string;
  email: string | undefined;
}

export type DependencyKind = 'prod' | 'optional' | 'peer' | 'dev';

export interface Dependency {
  /** The name the dependent uses (the alias, for `npm:` aliases). */
  alias: string;
  /** The package actually installed. */
  name: string;
  /** The range, tag or version asked for (for an alias, the range after `npm:<name>@`). */
  range: string;
  /** The spec as written in package.json. */
  spec: string;
  kind: DependencyKind;
  /** A peer marked optional in peerDependenciesMeta. */
  optionalPeer: boolean;
}

export interface VersionManifest {
  version: string;
  license: string | undefined;
  deprecated: string | undefined;
  hasInstallScripts: boolean;
  /**
   * The registry names provenance attestations for it (`dist.attestations`): a claim, checked
   * only when the bundles are fetched and verified (`ingest/npm-provenance.ts`).
   */
  attested: boolean;
  /** `dist.signatures` as the document gives them (at most 10 entries), verified when mapped. */
  signatures: unknown[];
  integrity: string | undefined;
  publisher: NpmPerson | undefined;
  /**
   * Published through npm trusted publishing (OIDC): `_npmUser.trustedPublisher` is there (npm
   * writes `{id: "github", oidcConfigId}`); false when `_npmUser` has none; undefined when the
   * manifest has no `_npmUser` (the publisher is unknown).
   */
  trustedPublisher: boolean | undefined;
  /** The version manifest's own `maintainers` list; undefined when it has none (unknown). */
  maintainers: NpmPerson[] | undefined;
  /**
   * Install-time scripts present, sorted by name, with their text (capped); undefined when the
   * manifest says it has install scripts (`hasInstallScript`) without saying which.
   */
  installScripts: InstallScript[] | undefined;
  repository: RepositoryField | undefined;
  /** Raw dependency maps, read on demand: only versions in a closure get DEPENDS_ON. */
  dependencies: Record<DependencyKind, [string, string][]>;
  peerOptional: Set<string>;
  /**
   * The dependencies shipped inside the tarball (`bundleDependencies`, or `bundledDependencies`;
   * `true` means every dependency): npm does not fetch them, so neither does the closure.
   */
  bundled: Set<string>;
  /** `os`, `cpu` and `libc` as the manifest lists them (empty: any); npm's lockfile records them. */
  platform: { os: string[]; cpu: string[]; libc: string[] };
  /** `engines.node`: npm prefers versions whose range accepts the running Node. */
  engineNode: string | undefined;
}

export interface InstallScript {
  name: 'preinstall' | 'install' | 'postinstall';
  text: string;
}

export interface RepositoryField {
  url: string;
  directory: string | undefined;
}

export interface Packument {
  name: string;
  distTags: Map<string, string>;
  /**
   * As of an instant (`as-of.ts`): the dist-tags that point at a version published after it. A
   * tag spec then takes the highest version up to that one, as npm's `--before` does.
   */
  laterTags?: Map<string, string>;
  versions: Map<string, VersionManifest>;
  /** Per-version publish times; undefined when the document has no `time`. */
  times: Map<string, string> | undefined;
  created: string | undefined;
  modified: string | undefined;
  /** Undefined when the document has no `maintainers` (the reduced mirror): unknown, not none. */
  maintainers: NpmPerson[] | undefined;
  repository: RepositoryField | undefined;
  description: string | undefined;
  license: string | undefined;
}

const MAX_TEXT = 2000;

function text(value: unknown, max = MAX_TEXT): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

/** `{name, email}`, or the old string form `Name <email> (url)`. */
export function person(value: unknown): NpmPerson | undefined {
  if (typeof value === 'string') {
    const match = /^([^<(]+?)\s*(?:<([^>]*)>)?\s*(?:\([^)]*\))?$/.exec(value.trim());
    const name = text(match?.[1], 214);
    return name === undefined ? undefined : { name, email: text(match?.[2], 320) };
  }
  if (!isRecord(value)) return undefined;
  const name = text(own(value, 'name'), 214);
  return name === undefined ? undefined : { name, email: text(own(value, 'email'), 320) };
}

function license(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value, 200);
  if (isRecord(value)) return text(own(value, 'type'), 200);
  if (Array.isArray(value)) {
    const parts = value.map(license).filter((l): l is string => l !== undefined);
    return parts.length === 0 ? undefined : parts.join(' OR ').slice(0, 200);
  }
  return undefined;
}

export function repositoryField(value: unknown): RepositoryField | undefined {
  if (typeof value === 'string') {
    const url = text(value, 1000);
    return url === undefined ? undefined : { url, directory: undefined };
  }
  if (!isRecord(value)) return undefined;
  const url = text(own(value, 'url'), 1000);
  return url === undefined ? undefined : { url, directory: text(own(value, 'directory'), 500) };
}

function dependencyPairs(value: unknown): [string, string][] {
  if (!isRecord(value)) return [];
  const pairs: [string, string][] = [];
  for (const name of Object.keys(value)) {
    const spec = value[name];
    if (typeof spec === 'string' && name.length <= 214) pairs.push([name, spec.slice(0, 1000)]);
  }
  return pairs;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
/** Script text kept per install script, for explanations to quote. */
export const MAX_SCRIPT_TEXT = 200;
/** People read from one maintainers list. */
const MAX_MAINTAINERS = 1000;

/**
 * A version's own maintainers list. npm writes its accounts there; a few old manifests kept the
 * package.json's `maintainers` instead (display names such as "Sindre Sorhus", which no npm
 * account can be): such a list names no accounts, so it is unknown, not a change of hands.
 */
function versionMaintainers(value: unknown): NpmPerson[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: NpmPerson[] = [];
  for (const entry of value.slice(0, MAX_MAINTAINERS)) {
    const p = person(entry);
    if (p === undefined) continue;
    if (/\s/.test(p.name)) return undefined;
    out.push(p);
  }
  return out;
}

// C0 and C1 control characters, escape included: matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = new RegExp('[\\u0000-\\u001f\\u007f-\\u009f]', 'g');

/**
 * The install scripts npm would run: `preinstall`, `install`, `postinstall` with text (npm skips
 * an empty one), and `install` as `node-gyp rebuild` when the manifest says `gypfile: true` and
 * has no `install` of its own, as npm does for a package with a `binding.gyp`.
 */
function installScripts(value: Record<string, unknown>): InstallScript[] | undefined {
  const scripts = own(value, 'scripts');
  const out: InstallScript[] = [];
  for (const name of INSTALL_SCRIPTS) {
    // Quoted in explanations and shown in terminals: control characters become spaces.
    const raw = isRecord(scripts) ? text(own(scripts, name), MAX_SCRIPT_TEXT) : undefined;
    const script = raw?.replace(CONTROL, ' ').trim() || undefined;
    if (script !== undefined) out.push({ name, text: script });
    else if (name === 'install' && own(value, 'gypfile') === true)
      out.push({ name, text: 'node-gyp rebuild' });
  }
  // npm's own flag says there is one, but the manifest does not show it: unknown which.
  if (out.length === 0 && own(value, 'hasInstallScript') === true) return undefined;
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function trustedPublisher(npmUser: unknown): boolean | undefined {
  if (isRecord(npmUser)) {
    const trusted = own(npmUser, 'trustedPublisher');
    return isRecord(trusted) || trusted === true;
  }
  return person(npmUser) === undefined ? undefined : false;
}

/** A list of short strings (`os`, `cpu`, `libc`); a single string is a list of one. */
function stringList(value: unknown): string[] {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return items
    .filter((item): item is string => typeof item === 'string' && item.length <= 100)
    .slice(0, 100);
}

/** `bundleDependencies` (or `bundledDependencies`): names, or `true` for every dependency. */
function bundledNames(value: Record<string, unknown>, prod: [string, string][]): Set<string> {
  const field = own(value, 'bundleDependencies') ?? own(value, 'bundledDependencies');
  if (field === true) return new Set(prod.map(([name]) => name));
  if (!Array.isArray(field)) return new Set();
  return new Set(
    field
      .filter((name): name is string => typeof name === 'string' && name.length <= 214)
      .slice(0, MAX_BUNDLED),
  );
}

const MAX_BUNDLED = 10_000;
const MAX_SIGNATURES = 10;

function versionManifest(version: string, value: Record<string, unknown>): VersionManifest {
  const scripts = own(value, 'scripts');
  const dist = isRecord(own(value, 'dist')) ? (own(value, 'dist') as Record<string, unknown>) : {};
  const signatures = own(dist, 'signatures');
  const deprecated = own(value, 'deprecated');
  const meta = own(value, 'peerDependenciesMeta');
  const peerOptional = new Set<string>();
  if (isRecord(meta)) {
    for (const name of Object.keys(meta)) {
      const entry = meta[name];
      if (isRecord(entry) && own(entry, 'optional') === true) peerOptional.add(name);
    }
  }
  const prod = dependencyPairs(own(value, 'dependencies'));
  const engines = own(value, 'engines');
  return {
    version,
    license: license(own(value, 'license') ?? own(value, 'licenses')),
    // npm marks a version deprecated with a message; an empty string un-deprecates it.
    deprecated: typeof deprecated === 'string' ? text(deprecated, 1000) : undefined,
    hasInstallScripts:
      own(value, 'hasInstallScript') === true ||
      (isRecord(scripts) && INSTALL_SCRIPTS.some((s) => typeof own(scripts, s) === 'string')),
    attested: isRecord(own(dist, 'attestations')),
    signatures: arrayItems(signatures, MAX_SIGNATURES) ?? [],
    integrity: text(own(dist, 'integrity'), 200),
    publisher: person(own(value, '_npmUser')),
    trustedPublisher: trustedPublisher(own(value, '_npmUser')),
    maintainers: versionMaintainers(own(value, 'maintainers')),
    installScripts: installScripts(value),
    repository: repositoryField(own(value, 'repository')),
    dependencies: {
      prod,
      optional: dependencyPairs(own(value, 'optionalDependencies')),
      peer: dependencyPairs(own(value, 'peerDependencies')),
      dev: dependencyPairs(own(value, 'devDependencies')),
    },
    peerOptional,
    bundled: bundledNames(value, prod),
    platform: {
      os: stringList(own(value, 'os')),
      cpu: stringList(own(value, 'cpu')),
      libc: stringList(own(value, 'libc')),
    },
    engineNode: isRecord(engines) ? text(own(engines, 'node'), 200) : undefined,
  };
}

/** Reads a packument; throws `InvalidPackageError` when it is not one, or not of `expectedName`. */
export function readPackument(document: unknown, expectedName: string): Packument {
  if (!isRecord(document))
    throw new InvalidPackageError(`the document for ${expectedName} is not a JSON object`);
  const name = own(document, 'name');
  if (name !== expectedName) {
    throw new InvalidPackageError(
      `the document for ${expectedName} describes ${typeof name === 'string' ? `"${name.slice(0, 100)}"` : 'no package'}`,
    );
  }
  const rawVersions = own(document, 'versions');
  if (!isRecord(rawVersions))
    throw new InvalidPackageError(`the document for ${expectedName} has no versions object`);
  const versions = new Map<string, VersionManifest>();
  for (const version of Object.keys(rawVersions)) {
    const manifest = rawVersions[version];
    if (isRecord(manifest) && version.length <= 256)
      versions.set(version, versionManifest(version, manifest));
  }
  const distTags = new Map<string, string>();
  const tags = own(document, 'dist-tags');
  if (isRecord(tags)) {
    for (const tag of Object.keys(tags)) {
      const version = tags[tag];
      if (typeof version === 'string' && tag.length <= 256 && version.length <= 256)
        distTags.set(tag, version);
    }
  }
  const time = own(document, 'time');
  let times: Map<string, string> | undefined;
  if (isRecord(time)) {
    times = new Map();
    for (const version of Object.keys(time)) {
      const at = time[version];
      if (typeof at === 'string' && !Number.isNaN(Date.parse(at)))
        times.set(version, new Date(at).toISOString());
    }
  }
  const maintainers = own(document, 'maintainers');
  return {
    name,
    distTags,
    versions,
    times,
    created: times?.get('created'),
    modified: times?.get('modified'),
    maintainers: arrayItems(maintainers)
      ?.map(person)
      .filter((p): p is NpmPerson => p !== undefined),
    repository: repositoryField(own(document, 'repository')),
    description: text(own(document, 'description')),
    license: license(own(document, 'license')),
  };
}

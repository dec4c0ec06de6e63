/**
 * What a gate reads of one root's installed tree, from a scored store: every version the root
 * resolves to (RESOLVES_TO {root}), with who can publish it, what runs at install, its provenance,
 * its stored change flags, advisories and scores. `check` evaluates a policy over it; `diff`
 * compares two of them. Everything here is registry text: it is shown, never interpreted.
 */
import { NotFoundError } from '../core/errors.js';
import type { GraphStore } from '../graph/store.js';
import type { AdvisoryRef, FlagSeverity, WireFlag } from '../shared/wire-types.js';
import type { TrustGraph } from '../trust/load.js';
import { loadTrustGraph } from '../trust/load.js';
import { readVersionFlags } from '../trust/stored-scores.js';

export type { AdvisoryRef as Advisory } from '../shared/wire-types.js';

export interface TreeVersion {
  /** `pkg:npm/name@version` (a package URL). */
  key: string;
  /** The package's key, `pkg:npm/name`. */
  pkg: string;
  ecosystem: string;
  name: string;
  version: string;
  /** The root project itself (a lockfile's own package), not something from a registry. */
  project: boolean;
  /** Who published this version; undefined when the registry did not say. */
  publishers: string[] | undefined;
  /** The package's maintainers; undefined when the registry did not say. */
  maintainers: string[] | undefined;
  installScripts: string[] | undefined;
  installScriptText: string[] | undefined;
  provenance: boolean | undefined;
  trustedPublisher: boolean | undefined;
  license: string | undefined;
  flags: WireFlag[];
  flagSeverity: FlagSeverity | null;
  advisories: AdvisoryRef[];
  /** Stored scores; undefined when the version was not scored. */
  trust: number | undefined;
  ownTrust: number | undefined;
  reach: number | undefined;
  busFactor: number | undefined;
}

export interface PersonFacts {
  key: string;
  /** The account name (the key without its `person:<registry>:` prefix). */
  name: string;
  trust: number | undefined;
  /** Their first release in the graph, when any is dated. */
  firstRelease: string | undefined;
}

export interface Tree {
  root: string;
  /** The instant the stored scores are as of. */
  asOf: string | undefined;
  /** By version key, the root itself included. */
  versions: Map<string, TreeVersion>;
  /** Everyone who can publish into the tree: maintainers and publishers of its versions. */
  people: Map<string, PersonFacts>;
  /** Whether advisories were read at all (without them, "no advisory" is unknown). */
  advisoriesKnown: boolean;
}

const accountName = (key: string): string => key.replace(/^person:[a-z-]+:/, '');

/** The first dated release of each person in the graph. */
function firstReleases(graph: TrustGraph): Map<string, string> {
  const first = new Map<string, string>();
  for (const [version, who] of graph.publishers) {
    const at = graph.versions.get(version)?.publishedAt;
    if (at === undefined || Number.isNaN(Date.parse(at))) continue;
    for (const person of who) {
      const seen = first.get(person);
      if (seen === undefined || Date.parse(at) < Date.parse(seen)) first.set(person, at);
    }
  }
  return first;
}

/** The version keys of a root's installed tree, the root first. */
export function treeKeys(graph: TrustGraph, root: string): string[] {
  const keys = new Set([root]);
  for (const { to, roots } of graph.resolves.values()) if (roots.has(root)) keys.add(to);
  return [...keys];
}

/** Reads the tree of `root` (a resolved root's version key) from a scored store. */
export async function readTree(store: GraphStore, root: string, graph?: TrustGraph): Promise<Tree> {
  const loaded = graph ?? (await loadTrustGraph(store));
  if (!loaded.versions.has(root)) throw new NotFoundError(`${root} is not in the store`);
  const keys = treeKeys(loaded, root);
  const flags = await readVersionFlags(store, keys);
  const first = firstReleases(loaded);
  const versions = new Map<string, TreeVersion>();
  const people = new Map<string, PersonFacts>();
  const person = (key: string): void => {
    if (people.has(key)) return;
    people.set(key, {
      key,
      name: accountName(key),
      trust: loaded.storedTrust.get(key),
      firstRelease: first.get(key),
    });
  };
  for (const key of keys) {
    const v = loaded.versions.get(key);
    const pkg = loaded.packageOf.get(key);
    if (v === undefined || pkg === undefined) continue;
    const name = loaded.packages.get(pkg)?.name ?? pkg.replace(/^pkg:[a-z]+\//, '');
    const publishers = loaded.publishers.get(key);
    const maintainers = loaded.maintainers.get(pkg);
    for (const p of [...(publishers ?? []), ...(maintainers ?? [])]) person(p);
    const stored = flags.get(key);
    versions.set(key, {
      key,
      pkg,
      ecosystem: /^pkg:([a-z]+)\//.exec(key)?.[1] ?? 'npm',
      name,
      version: v.version ?? key.slice(key.lastIndexOf('@') + 1),
      project: v.project || key.startsWith('project:'),
      publishers,
      maintainers,
      installScripts: v.installScripts,
      installScriptText: v.installScriptText,
      provenance: v.provenance,
      trustedPublisher: v.trustedPublisher,
      license: v.license,
      flags: stored?.flags ?? [],
      flagSeverity: stored?.flagSeverity ?? null,
      advisories: (loaded.affectedBy.get(key) ?? []).map((id) => {
        const advisory = loaded.vulnerabilities.get(id);
        return { id, severity: advisory?.severity, malicious: advisory?.malicious === true };
      }),
      trust: v.stored?.trust,
      ownTrust: v.stored?.ownTrust,
      reach: v.stored?.reach,
      busFactor: v.stored?.busFactor,
    });
  }
  return {
    root,
    asOf: loaded.scoring?.asOf,
    versions,
    people,
    advisoriesKnown: loaded.advisoriesKnown,
  };
}

/** The tree of nothing: the base of a change that adds the lockfile. */
export function emptyTree(root: string): Tree {
  return { root, asOf: undefined, versions: new Map(), people: new Map(), advisoriesKnown: true };
}

/** Who can publish a version: its package's maintainers and its own publishers. */
export function canPublish(version: TreeVersion): string[] {
  return [...new Set([...(version.maintainers ?? []), ...(version.publishers ?? [])])].sort();
}

/**
 * For each target in a root's tree, the shortest path of version keys from the root to it, over
 * the dependencies resolved for that root: how the tree comes to hold it.
 */
export function treePaths(
  graph: TrustGraph,
  root: string,
  targets: readonly string[],
): Record<string, string[]> {
  const next = new Map<string, string[]>();
  for (const { from, to, roots } of graph.resolves.values())
    if (roots.has(root)) {
      const list = next.get(from);
      if (list === undefined) next.set(from, [to]);
      else list.push(to);
    }
  const parent = new Map<string, string>([[root, root]]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    for (const to of next.get(at) ?? [])
      if (!parent.has(to)) {
        parent.set(to, at);
        queue.push(to);
      }
  }
  const out: Record<string, string[]> = {};
  for (const target of targets) {
    if (!parent.has(target)) continue;
    const path = [target];
    for (let at = target; at !== root; at = parent.get(at) as string)
      path.unshift(parent.get(at) as string);
    out[target] = path;
  }
  return out;
}

/**
 * The part of the graph `/api/graph` shows, cut by the store from the root (cypher/read/graph-cut-*):
 * the resolved versions a level at a time down to the depth, stopping once the view's node limit
 * is reached, then the people, repositories and organisations of the versions reached. What comes
 * back is a trust graph holding just what the view reads (and each version's children, for
 * `viewVersions`), so the view is the one the whole
 * loaded graph gives, at a cost that follows the view's size, not the graph's.
 */
import type { GraphStore, Row } from '../graph/store.js';
import type { JsonValue } from '../graph/values.js';
import { KEY_PREFIX, npmPackageKey } from '../ingest/identity.js';
import type { CompactGraph, FlagSeverity } from '../shared/wire-types.js';
import { rootIndex } from '../trust/report.js';
import { emptyTrustGraph, type TrustGraph, type VersionNode } from '../trust/load.js';
import { flagSeverityOf } from '../trust/stored-scores.js';
import {
  byKey,
  scoreVersions,
  viewLayers,
  viewVersions,
  type Layer,
  type VersionsView,
} from './graph-view.js';

/**
 * Keys per statement: one UNWIND list, small enough for either store's parameter handling (10,000
 * keys read a 50k-node cut in about half the time of 2,000 on the embedded store: fewer round trips).
 */
const BATCH = 10_000;

/** Keys above which a read goes as two batches or more, so that the store and we work at once. */
const SPLIT = 2_000;

export interface GraphCutOptions {
  depth: number;
  layers: readonly Layer[];
  limit: number;
  /** Keys per statement at most (default 10,000); tests make it small to read in many batches. */
  batch?: number | undefined;
  /**
   * On Neo4j, read the closure in one statement first (default true); false walks the levels, as
   * the embedded store always does.
   */
  closure?: boolean | undefined;
}

/** The depth `read/graph-cut-closure` reaches: the API's deepest view. */
const CLOSURE_DEPTH = 50;

/** A version as the view reads it: its key and stored scores; nothing else of it is read. */
const versionNode = (
  key: string,
  trust: number | undefined,
  reach: number | undefined,
): VersionNode => ({
  key,
  version: undefined,
  publishedAt: undefined,
  hasInstallScripts: undefined,
  license: undefined,
  provenance: undefined,
  maintainers: undefined,
  installScripts: undefined,
  installScriptText: undefined,
  dependencies: undefined,
  trustedPublisher: undefined,
  tagged: undefined,
  project: false,
  trust,
  reach,
});

const str = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** The items of a returned list (an absent or non-list value has none). */
const items = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/**
 * Runs a `read/graph-cut-*` statement (named in full, so the Cypher files' test sees it) over `keys`
 * in batches, all sent at once and their rows taken in order: the store works on a batch while the
 * rows of the one before are taken. A list of more than `SPLIT` keys goes as two batches at least.
 */
async function readKeys(
  store: GraphStore,
  name: string,
  keys: readonly string[],
  each: (row: Row, key: string) => void,
  batch = BATCH,
): Promise<void> {
  const size = Math.min(batch, Math.max(SPLIT, Math.ceil(keys.length / 2)));
  const batches: Promise<Row[]>[] = [];
  for (let i = 0; i < keys.length; i += size)
    batches.push(store.read(name, { keys: keys.slice(i, i + size) }));
  // Every batch is awaited, so none fails unobserved when one before it fails.
  const settled = Promise.allSettled(batches);
  try {
    for (const batch of batches) {
      for (const row of await batch) {
        const key = str(row.key);
        if (key !== undefined) each(row, key);
      }
    }
  } finally {
    await settled;
  }
}

/**
 * The version a root spec names, as `rootIndex` picks it among the resolved versions: the key
 * itself, or the highest version of the npm package that satisfies the range.
 */
export async function resolveGraphRoot(store: GraphStore, spec: string): Promise<string> {
  const keys = (rows: Row[]): string[] => rows.flatMap((r) => str(r.key) ?? []);
  const candidates = keys(await store.read('graph-cut-root-key', { key: spec }));
  if (candidates.length === 0) {
    const match = /^(?:npm:|pkg:npm\/)((?:@|%40)?[^@]+)(?:@(.+))?$/.exec(spec);
    let pkg: string | undefined;
    try {
      pkg = match === null ? undefined : npmPackageKey(decodeURIComponent(match[1] ?? ''));
    } catch {
      pkg = undefined; // not a package name: nothing matches, as rootIndex says below
    }
    if (pkg !== undefined)
      candidates.push(...keys(await store.read('graph-cut-root-versions', { package: pkg })));
  }
  return candidates[rootIndex(candidates, spec)] as string;
}

/** A returned list's strings, sorted by key and distinct: the order the view walks them in. */
function sortedKeys(v: JsonValue | undefined): string[] {
  const keys: string[] = [];
  for (const item of items(v)) if (typeof item === 'string') keys.push(item);
  keys.sort(byKey);
  let kept = 0;
  for (let i = 0; i < keys.length; i++)
    if (i === 0 || keys[i] !== keys[kept - 1]) keys[kept++] = keys[i] as string;
  keys.length = kept;
  return keys;
}

/** Appends `value` to `key`'s list unless it holds it already. */
function pushNew(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/**
 * The trust graph `graphView` needs for `root`, read from the store from the root down, and the
 * view with its versions laid out: the versions it shows are the ones whose layers are read, so
 * one pass over the levels serves both. A level's read gives its versions' scores, packages and
 * (with the people layer) publishers with their children, so a version is read once.
 */
export async function cutGraph(
  store: GraphStore,
  root: string,
  options: GraphCutOptions,
): Promise<{ graph: TrustGraph; flagSeverity: Map<string, FlagSeverity>; view: VersionsView }> {
  const graph = emptyTrustGraph();
  const flagSeverity = new Map<string, FlagSeverity>();
  const people = options.layers.includes('people');
  const person = (item: JsonValue): string | undefined => {
    // [key, trust, name], as the cut's statements return a person.
    if (!Array.isArray(item)) return undefined;
    const [key, trust, name] = item;
    if (typeof key !== 'string') return undefined;
    graph.persons.add(key);
    if (typeof trust === 'number') graph.storedTrust.set(key, trust);
    if (
      typeof name === 'string' &&
      (key.startsWith(KEY_PREFIX.gitAuthor) || key.startsWith(KEY_PREFIX.pypiNamedPerson))
    )
      graph.personNames.set(key, name);
    return key;
  };
  /** Keeps a version row's scores, flag, package and publishers. */
  const version = (row: Row, key: string): void => {
    graph.versions.set(
      key,
      versionNode(
        key,
        typeof row.trust === 'number' ? row.trust : undefined,
        typeof row.reach === 'number' ? row.reach : undefined,
      ),
    );
    const severity = flagSeverityOf(row.flagSeverity);
    if (severity !== null) flagSeverity.set(key, severity);
    for (const pkg of items(row.packages))
      if (typeof pkg === 'string') graph.packageOf.set(key, pkg);
    for (const item of items(row.publishers)) {
      const who = person(item);
      if (who !== undefined) pushNew(graph.publishers, key, who);
    }
  };
  /** Keeps a package row's maintainers, repositories, their owners and scopes. */
  const packageRow = (row: Row, key: string): void => {
    if (people)
      for (const item of items(row.maintainers)) {
        const who = person(item);
        if (who !== undefined) pushNew(graph.maintainers, key, who);
      }
    for (const repo of items(row.repos))
      if (typeof repo === 'string') graph.hostedAt.set(key, repo);
    for (const item of items(row.owners)) {
      const [repo, owner, trust] = Array.isArray(item) ? item : [];
      if (typeof repo !== 'string' || typeof owner !== 'string') continue;
      graph.ownedBy.set(repo, owner);
      if (typeof trust === 'number') graph.storedTrust.set(owner, trust);
    }
    const scopes = new Set<string>();
    for (const item of items(row.scopes)) {
      const [org, trust] = Array.isArray(item) ? item : [];
      if (typeof org !== 'string' || scopes.has(org)) continue;
      scopes.add(org);
      graph.inScope.push({ pkg: key, org });
      if (typeof trust === 'number') graph.storedTrust.set(org, trust);
    }
  };
  const read = (name: string, keys: readonly string[], each: (row: Row, key: string) => void) =>
    readKeys(store, name, keys, each, options.batch);
  const versionsStatement = people ? 'read/graph-cut-versions-people' : 'read/graph-cut-versions';
  // Every layer but the dependencies reads the packages. They are read a level at a time, while
  // the store reads the next level: the packages of the last level read may be of versions the
  // view does not show, which costs a read and changes nothing (the view looks only at the
  // packages of the versions it shows, and a package's row is the same whoever asks).
  const wantPackages = options.layers.some((l) => l !== 'deps');
  const packagesAsked = new Set<string>();
  const packageReads: Promise<void>[] = [];
  let pending: string[] = [];
  /** Asks for the package of a version read, once. */
  const askPackage = (versionKey: string): void => {
    const pkg = graph.packageOf.get(versionKey);
    if (pkg === undefined || packagesAsked.has(pkg)) return;
    packagesAsked.add(pkg);
    pending.push(pkg);
  };
  /** Reads the packages asked for and not yet read. */
  const flushPackages = (): void => {
    if (pending.length === 0) return;
    const reading = read('read/graph-cut-packages', pending, packageRow);
    pending = [];
    reading.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    packageReads.push(reading);
  };
  // A level's new packages wait for the next level's while they are fewer than SPLIT: one read
  // of the first levels' few packages, not one each (on Neo4j each list size up to a power of
  // ten is planned again, 70-80 ms a plan).
  const readPackages = (versionKeys: readonly string[], last: boolean): void => {
    if (!wantPackages) return;
    for (const key of versionKeys) askPackage(key);
    if (last || pending.length >= SPLIT) flushPackages();
  };
  /** Walks the closure and the levels, reading the packages as it goes; the view's versions. */
  const walk = async (): Promise<VersionsView> => {
    const seen = new Set<string>([root]);
    const children = new Map<string, string[]>();
    const versions: string[] = [root];
    // The view adds nodes in breadth-first order and expands only those it added (at most
    // `limit`), so a level is read only while fewer than `limit` nodes lie above it.
    let frontier = [root];
    // On Neo4j the closure comes in one statement, at most limit + 1 versions of it. When that is
    // all of it, no level is read. When the closure is larger, the levels are walked, and a
    // version the statement gave is not read again: its children, scores, package and publishers
    // are the rows a level's read gives (read/graph-cut-versions-people), so the view is the same
    // either way. Its rows are taken as Neo4j makes them, and their packages read SPLIT at a time
    // while the closure still comes: Neo4j reads them on another core meanwhile (a fifth off the
    // 50k cut).
    if (
      people &&
      store.kind === 'neo4j' &&
      options.closure !== false &&
      options.depth <= CLOSURE_DEPTH
    ) {
      let rows = 0;
      const step = Math.min(SPLIT, options.batch ?? BATCH);
      await store.readEach('read/graph-cut-closure', { root, cap: options.limit + 1 }, (row) => {
        rows++;
        const key = str(row.key);
        if (key === undefined) return;
        version(row, key);
        children.set(key, sortedKeys(row.children));
        if (wantPackages) {
          askPackage(key);
          if (pending.length >= step) flushPackages();
        }
      });
      if (rows > 0 && rows <= options.limit) frontier = [];
    }
    for (let depth = 0; depth < options.depth && frontier.length > 0; depth++) {
      if (versions.length - frontier.length >= options.limit) break;
      const next: string[] = [];
      const expand = (list: readonly string[]): void => {
        for (const child of list) {
          if (!seen.has(child)) {
            seen.add(child);
            next.push(child);
            versions.push(child);
          }
        }
      };
      const unread: string[] = [];
      for (const key of frontier) {
        const list = children.get(key);
        if (list === undefined) unread.push(key);
        else expand(list);
      }
      await read(versionsStatement, unread, (row, key) => {
        version(row, key);
        // The view reads a version's children, distinct and sorted (childrenOf), not the edges.
        const list = sortedKeys(row.children);
        children.set(key, list);
        expand(list);
      });
      readPackages(frontier, false);
      frontier = next;
    }
    // The versions the view shows (laid out over the levels read); those of the last level
    // reached, whose children were not read, are read now, and then their packages.
    const view = viewVersions(graph, root, options, children);
    const shown = view.versions;
    await read(
      versionsStatement,
      shown.filter((key) => !children.has(key)),
      version,
    );
    readPackages(shown, true);
    return view;
  };
  let view: VersionsView;
  try {
    view = await walk();
    await Promise.all(packageReads);
  } finally {
    // Every package read is over before the cut answers or fails: none is left running.
    await Promise.allSettled(packageReads);
  }
  if (options.layers.includes('contributors')) {
    const repos = [...new Set(graph.hostedAt.values())];
    await read('read/graph-cut-contributors', repos, (row, key) => {
      const who = person([row.person ?? null, row.trust ?? null, row.name ?? null]);
      if (who === undefined) return;
      const list = graph.contributors.get(key) ?? [];
      const contribution = row.contribution;
      const commits =
        typeof contribution === 'object' && contribution !== null && !Array.isArray(contribution)
          ? contribution.commits
          : undefined;
      list.push({ person: who, commits: typeof commits === 'number' ? commits : 0 });
      graph.contributors.set(key, list);
    });
  }
  return { graph, flagSeverity, view };
}

/**
 * `/api/graph`'s answer for a root spec, cut by the store, in the compact form (`expandGraph` gives
 * graphology's).
 */
export async function graphFromRoot(
  store: GraphStore,
  spec: string,
  options: GraphCutOptions,
): Promise<CompactGraph> {
  const root = await resolveGraphRoot(store, spec);
  const { graph, flagSeverity, view } = await cutGraph(store, root, options);
  scoreVersions(view, graph, flagSeverity);
  return viewLayers(graph, view, options);
}

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
import type { FlagSeverity } from '../shared/wire-types.js';
import { rootIndex } from '../trust/report.js';
import { emptyTrustGraph, type TrustGraph, type VersionNode } from '../trust/load.js';
import { flagSeverityOf } from '../trust/stored-scores.js';
import {
  byKey,
  scoreVersions,
  viewLayers,
  viewVersions,
  type Layer,
  type SerializedGraph,
  type VersionsView,
} from './graph-view.js';

/**
 * Keys per statement: one UNWIND list, small enough for either store's parameter handling (10,000
 * keys read a 50k-node cut in about half the time of 2,000 on the embedded store: fewer round trips).
 */
const BATCH = 10_000;

export interface GraphCutOptions {
  depth: number;
  layers: readonly Layer[];
  limit: number;
}

/** What the view does not read of a version. */
const UNREAD: Omit<VersionNode, 'key' | 'trust' | 'reach'> = {
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
};

const str = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** The items of a returned list (an absent or non-list value has none). */
const items = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** A returned map's entries (anything else has none). */
const entries = (v: JsonValue): Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};

/** Runs a `read/graph-cut-*` statement (named in full, so the Cypher files' test sees it) over `keys` in batches. */
async function readKeys(
  store: GraphStore,
  name: string,
  keys: readonly string[],
  each: (row: Row, key: string) => void,
): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH) {
    for (const row of await store.read(name, { keys: keys.slice(i, i + BATCH) })) {
      const key = str(row.key);
      if (key !== undefined) each(row, key);
    }
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

/**
 * The trust graph `graphView` needs for `root`, read from the store from the root down, and the
 * view with its versions laid out: the versions it shows are the ones whose scores and layers are
 * read, so one pass over the levels serves both.
 */
export async function cutGraph(
  store: GraphStore,
  root: string,
  options: GraphCutOptions,
): Promise<{ graph: TrustGraph; flagSeverity: Map<string, FlagSeverity>; view: VersionsView }> {
  const graph = emptyTrustGraph();
  const seen = new Set<string>([root]);
  const children = new Map<string, string[]>();
  const versions: string[] = [root];
  // The view adds nodes in breadth-first order and expands only those it added (at most `limit`),
  // so a level is read only while fewer than `limit` nodes lie above it.
  let frontier = [root];
  for (let depth = 0; depth < options.depth && frontier.length > 0; depth++) {
    if (versions.length - frontier.length >= options.limit) break;
    const next: string[] = [];
    await readKeys(store, 'read/graph-cut-children', frontier, (row, key) => {
      // The view reads a version's children, distinct and sorted (childrenOf), not the edges.
      const list = [...new Set(items(row.children))].filter(
        (c): c is string => typeof c === 'string',
      );
      children.set(key, list.sort(byKey));
      for (const child of list) {
        if (!seen.has(child)) {
          seen.add(child);
          next.push(child);
          versions.push(child);
        }
      }
    });
    frontier = next;
  }
  // The versions the view shows (laid out over the levels read, scores not yet known): theirs are read.
  const view = viewVersions(graph, root, options, children);
  const shown = view.versions;
  const flagSeverity = new Map<string, FlagSeverity>();
  const person = (row: Row): string | undefined => {
    const key = str(row.person);
    if (key === undefined) return undefined;
    graph.persons.add(key);
    if (typeof row.trust === 'number') graph.storedTrust.set(key, row.trust);
    const name = str(row.name);
    if (
      name !== undefined &&
      (key.startsWith(KEY_PREFIX.gitAuthor) || key.startsWith(KEY_PREFIX.pypiNamedPerson))
    )
      graph.personNames.set(key, name);
    return key;
  };
  const push = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [value]);
    else if (!list.includes(value)) list.push(value);
  };
  await readKeys(store, 'read/graph-cut-versions', shown, (row, key) => {
    graph.versions.set(key, {
      ...UNREAD,
      key,
      trust: typeof row.trust === 'number' ? row.trust : undefined,
      reach: typeof row.reach === 'number' ? row.reach : undefined,
    });
    const severity = flagSeverityOf(row.flagSeverity);
    if (severity !== null) flagSeverity.set(key, severity);
    for (const pkg of items(row.packages))
      if (typeof pkg === 'string') graph.packageOf.set(key, pkg);
  });
  const packages = [...new Set(graph.packageOf.values())];
  if (options.layers.includes('people')) {
    await readKeys(store, 'read/graph-cut-publishers', shown, (row, key) => {
      const who = person(row);
      if (who !== undefined) push(graph.publishers, key, who);
    });
    await readKeys(store, 'read/graph-cut-maintainers', packages, (row, key) => {
      const who = person(row);
      if (who !== undefined) push(graph.maintainers, key, who);
    });
  }
  const wantRepos = options.layers.some(
    (l) => l === 'repos' || l === 'orgs' || l === 'contributors',
  );
  if (wantRepos)
    await readKeys(store, 'read/graph-cut-packages', packages, (row, key) => {
      for (const repo of items(row.repos))
        if (typeof repo === 'string') graph.hostedAt.set(key, repo);
      for (const item of items(row.owners)) {
        const { repo, owner, trust } = entries(item);
        if (typeof repo !== 'string' || typeof owner !== 'string') continue;
        graph.ownedBy.set(repo, owner);
        if (typeof trust === 'number') graph.storedTrust.set(owner, trust);
      }
    });
  if (options.layers.includes('orgs'))
    await readKeys(store, 'read/graph-cut-scopes', packages, (row, key) => {
      const org = str(row.org);
      if (org === undefined) return;
      graph.inScope.push({ pkg: key, org });
      if (typeof row.trust === 'number') graph.storedTrust.set(org, row.trust);
    });
  if (options.layers.includes('contributors')) {
    const repos = [...new Set(graph.hostedAt.values())];
    await readKeys(store, 'read/graph-cut-contributors', repos, (row, key) => {
      const who = person(row);
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

/** `/api/graph`'s answer for a root spec, cut by the store. */
export async function graphFromRoot(
  store: GraphStore,
  spec: string,
  options: GraphCutOptions,
): Promise<SerializedGraph> {
  const root = await resolveGraphRoot(store, spec);
  const { graph, flagSeverity, view } = await cutGraph(store, root, options);
  scoreVersions(view, graph, flagSeverity);
  return viewLayers(graph, view, options);
}

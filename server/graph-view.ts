/**
 * A root's supply chain as `/api/graph` answers it: the resolved versions down to a depth, and the
 * layers asked for (people, repositories, organisations, and each repository's top contributors),
 * with starting positions laid out by depth so the client can draw at once. The view is made in
 * the compact form (shared/graph-wire.ts: each edge three numbers), which `expandGraph` turns into
 * graphology's serialization format (what `graph.import()` takes) for those who ask for it.
 */
import { append } from '../core/collections.js';
import type { TrustGraph } from '../trust/load.js';
import { expandGraph } from '../shared/graph-wire.js';
import { displayName } from '../shared/names.js';
import type { CompactGraph, FlagSeverity, SerializedGraph } from '../shared/wire-types.js';

export type Layer = 'deps' | 'people' | 'repos' | 'orgs' | 'contributors';

/** Contributors shown per repository (by commits): enough to see who holds it, not a crowd. */
export const TOP_CONTRIBUTORS = 5;

export type { SerializedGraph };

interface ViewOptions {
  depth: number;
  layers: readonly Layer[];
  limit: number;
  /** The worst stored flag severity of the flagged versions; a version's node carries it. */
  flagSeverity?: ReadonlyMap<string, FlagSeverity> | undefined;
}

/**
 * A view with its versions laid out (`viewVersions`) and its layers not yet added (`viewLayers`).
 * The graph cut reads the layers of just `versions`, the ones shown, so one view serves both.
 */
export interface VersionsView {
  readonly out: CompactGraph;
  /** The versions shown, in the order they were added (breadth first). */
  readonly versions: readonly string[];
  /** Each node's position in `out.nodes`, by key. */
  readonly seen: Map<string, number>;
  /** Each node's depth, by position. */
  readonly depths: number[];
  readonly perDepth: Map<number, number>;
}

type Attributes = Record<string, string | number | boolean | null>;

type NodeKind = 'version' | 'person' | 'repository' | 'organisation';

const NONE: readonly string[] = [];

/** Sets a version node's stored scores and worst flag, as `graph` and `flagSeverity` have them. */
function setScores(
  attributes: Attributes,
  graph: TrustGraph,
  key: string,
  flagSeverity: ReadonlyMap<string, FlagSeverity> | undefined,
): void {
  const v = graph.versions.get(key);
  attributes.trust = v?.trust ?? null;
  attributes.reach = v?.reach ?? null;
  attributes.flagSeverity = flagSeverity?.get(key) ?? null;
}

/**
 * The view's node and edge makers. A node's attributes are made in one literal for its kind (a
 * version's scores and worst flag, a person's or an organisation's stored trust, a repository's
 * nothing more), in the order the answer has always had; an edge is the positions of its ends and
 * of its type.
 */
function adder(
  view: VersionsView,
  graph: TrustGraph,
  limit: number,
  flagSeverity: ReadonlyMap<string, FlagSeverity> | undefined,
) {
  const { out, seen, depths, perDepth } = view;
  const types = new Map(out.edgeTypes.map((type, i) => [type, i]));
  const typeIndex = (type: string): number => {
    let index = types.get(type);
    if (index === undefined) {
      index = out.edgeTypes.length;
      out.edgeTypes.push(type);
      types.set(type, index);
    }
    return index;
  };
  /** The node's position, added if it is new; -1 if it is new and the view is full. */
  const addNode = (key: string, kind: NodeKind, depth: number): number => {
    const shown = seen.get(key);
    if (shown !== undefined) return shown;
    const at = out.nodes.length;
    if (at >= limit) {
      out.attributes.truncated = true;
      return -1;
    }
    const row = perDepth.get(depth) ?? 0;
    perDepth.set(depth, row + 1);
    seen.set(key, at);
    depths.push(depth);
    const label = graph.personNames.get(key) ?? displayName(key);
    const x = depth * 200;
    const y = row * 40 - depth * 7;
    let attributes: Attributes;
    if (kind === 'version') {
      attributes = { label, kind, x, y, trust: null, reach: null, flagSeverity: null };
      setScores(attributes, graph, key, flagSeverity);
    } else if (kind === 'repository') attributes = { label, kind, x, y };
    else attributes = { label, kind, x, y, trust: graph.storedTrust.get(key) ?? null };
    out.nodes.push({ key, attributes });
    return at;
  };
  /** Adds an edge between two shown nodes, by their positions. */
  const link = (from: number, to: number, type: string): void => {
    out.edges.push(from, to, typeIndex(type));
  };
  return { addNode, link };
}

/** Orders keys by code unit, as the whole-graph view always has. */
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each version's children (the versions it resolves to), sorted by key, so the view is the same
 * whatever order the store returned the graph in.
 */
export function childrenOf(graph: TrustGraph): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const edge of graph.resolves.values()) append(children, edge.from, edge.to);
  for (const list of children.values()) list.sort(byKey);
  return children;
}

/** The resolved versions down to the depth, breadth first, with their scores as `graph` has them. */
export function viewVersions(
  graph: TrustGraph,
  root: string,
  options: ViewOptions,
  children: ReadonlyMap<string, readonly string[]> = childrenOf(graph),
): VersionsView {
  const view: VersionsView = {
    out: {
      format: 'compact',
      attributes: { root, truncated: false },
      options: { type: 'directed', multi: true, allowSelfLoops: false },
      nodes: [],
      edgeTypes: [],
      edges: [],
    },
    versions: [root],
    seen: new Map(),
    depths: [],
    perDepth: new Map(),
  };
  const { addNode, link } = adder(view, graph, options.limit, options.flagSeverity);
  const { seen, depths } = view;
  // The versions are the view's first nodes, in the order they are queued: a version's position
  // in `versions` is its node's, and it is expanded in that order (breadth first).
  const versions = view.versions as string[];
  addNode(root, 'version', 0);
  for (let head = 0; head < versions.length; head++) {
    const depth = depths[head] ?? 0;
    if (depth >= options.depth) continue;
    for (const child of children.get(versions[head] as string) ?? NONE) {
      let at = seen.get(child);
      if (at === undefined) {
        at = addNode(child, 'version', depth + 1);
        if (at < 0) break;
        versions.push(child);
      }
      link(head, at, 'RESOLVES_TO');
    }
  }
  return view;
}

/**
 * Sets the shown versions' scores and flags from `graph` (read after `viewVersions` learnt which
 * versions are shown): the attributes `viewVersions` would have given them.
 */
export function scoreVersions(
  view: VersionsView,
  graph: TrustGraph,
  flagSeverity: ReadonlyMap<string, FlagSeverity> | undefined,
): void {
  for (const node of view.out.nodes) setScores(node.attributes, graph, node.key, flagSeverity);
}

/**
 * A version's people, its package's maintainers and its publishers, distinct and sorted by key
 * (a list of one, the usual case, as it is: no set and no copy made for it).
 */
function peopleOf(
  maintainers: readonly string[] | undefined,
  publishers: readonly string[] | undefined,
): readonly string[] {
  if (publishers === undefined || publishers.length === 0) {
    if (maintainers === undefined) return [];
    if (maintainers.length <= 1) return maintainers;
  } else if (maintainers === undefined || maintainers.length === 0) {
    if (publishers.length === 1) return publishers;
  }
  return [...new Set([...(maintainers ?? []), ...(publishers ?? [])])].sort(byKey);
}

/** Adds the layers asked for (people, repositories, organisations, contributors) to the view. */
export function viewLayers(
  graph: TrustGraph,
  view: VersionsView,
  options: ViewOptions,
): CompactGraph {
  const { addNode, link } = adder(view, graph, options.limit, options.flagSeverity);
  const { depths } = view;
  const scopes = new Map<string, string[]>();
  for (const scope of graph.inScope) append(scopes, scope.pkg, scope.org);
  for (const list of scopes.values()) list.sort(byKey);
  const withContributors = new Set<string>();
  const withPeople = options.layers.includes('people');
  const withRepos = options.layers.includes('repos');
  const withTop = options.layers.includes('contributors');
  const withOrgs = options.layers.includes('orgs');
  // The versions are the view's first nodes: a version's position in `versions` is its node's.
  const { versions } = view;
  for (let at = 0; at < versions.length; at++) {
    const key = versions[at] as string;
    const depth = depths[at] ?? 0;
    const pkg = graph.packageOf.get(key);
    if (pkg === undefined) continue;
    if (withPeople) {
      for (const person of peopleOf(graph.maintainers.get(pkg), graph.publishers.get(key))) {
        const who = addNode(person, 'person', depth + 0.5);
        if (who >= 0) link(who, at, 'MAINTAINS');
      }
    }
    const repo = graph.hostedAt.get(pkg);
    const repoAt =
      repo === undefined
        ? -1
        : withRepos
          ? addNode(repo, 'repository', depth + 0.5)
          : (view.seen.get(repo) ?? -1);
    if (withRepos && repoAt >= 0) link(at, repoAt, 'HOSTED_AT');
    if (withTop && repo !== undefined && repoAt >= 0 && !withContributors.has(repo)) {
      withContributors.add(repo);
      const top = [...(graph.contributors.get(repo) ?? [])]
        .sort((a, b) => b.commits - a.commits || a.person.localeCompare(b.person))
        .slice(0, TOP_CONTRIBUTORS);
      for (const { person } of top) {
        const who = addNode(person, 'person', depth + 0.75);
        if (who >= 0) link(who, repoAt, 'CONTRIBUTES_TO');
      }
    }
    if (withOrgs) {
      const owner = repo === undefined ? undefined : graph.ownedBy.get(repo);
      if (owner !== undefined) {
        const ownerAt = addNode(owner, 'organisation', depth + 0.75);
        // The owner's edge is the repository's, and a repository not shown has none.
        if (ownerAt >= 0 && repoAt >= 0) link(repoAt, ownerAt, 'OWNED_BY');
      }
      for (const org of scopes.get(pkg) ?? NONE) {
        const orgAt = addNode(org, 'organisation', depth + 0.75);
        if (orgAt >= 0) link(at, orgAt, 'IN_SCOPE');
      }
    }
  }
  return view.out;
}

/** The view of the whole loaded graph, in graphology's serialization format. */
export function graphView(graph: TrustGraph, root: string, options: ViewOptions): SerializedGraph {
  return expandGraph(viewLayers(graph, viewVersions(graph, root, options), options));
}

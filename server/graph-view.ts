/**
 * A root's supply chain as graphology's serialization format (what `graph.import()` takes): the
 * resolved versions down to a depth, and the layers asked for (people, repositories,
 * organisations, and each repository's top contributors), with starting positions laid out by
 * depth so the client can draw at once.
 */
import { append } from '../core/collections.js';
import type { TrustGraph } from '../trust/load.js';
import { displayName } from '../shared/names.js';
import type { FlagSeverity, SerializedGraph } from '../shared/wire-types.js';

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
  readonly out: SerializedGraph;
  /** The versions shown, in the order they were added (breadth first). */
  readonly versions: readonly string[];
  readonly seen: Map<string, number>;
  readonly perDepth: Map<number, number>;
}

type Attributes = Record<string, string | number | boolean | null>;

const EDGE_ATTRIBUTES = new Map<string, Readonly<{ type: string }>>();

/**
 * An edge's attributes, one frozen object per type shared by every edge of the type: a 50k-node
 * view has 277,000 edges, and the answer is serialized, never changed.
 */
function edgeAttributes(type: string): { type: string } {
  let attributes = EDGE_ATTRIBUTES.get(type);
  if (attributes === undefined) {
    attributes = Object.freeze({ type });
    EDGE_ATTRIBUTES.set(type, attributes);
  }
  return attributes;
}

function adder(view: VersionsView, graph: TrustGraph, limit: number) {
  const { out, seen, perDepth } = view;
  const addNode = (key: string, kind: string, depth: number, extra: Attributes = {}): boolean => {
    if (seen.has(key)) return true;
    if (out.nodes.length >= limit) {
      out.attributes.truncated = true;
      return false;
    }
    const row = perDepth.get(depth) ?? 0;
    perDepth.set(depth, row + 1);
    seen.set(key, depth);
    out.nodes.push({
      key,
      attributes: {
        label: graph.personNames.get(key) ?? displayName(key),
        kind,
        x: depth * 200,
        y: row * 40 - depth * 7,
        ...extra,
      },
    });
    return true;
  };
  const addEdge = (source: string, target: string, type: string): void => {
    // No key: graphology's import gives a keyless edge one of its own, and a key made here was a
    // string per edge (277,000 in a 50k-node view) and a tenth of the answer's bytes.
    if (seen.has(source) && seen.has(target))
      out.edges.push({ source, target, attributes: edgeAttributes(type) });
  };
  return { addNode, addEdge };
}

/** A version's node attributes: its stored scores and worst flag. */
function versionAttributes(
  graph: TrustGraph,
  key: string,
  flagSeverity: ReadonlyMap<string, FlagSeverity> | undefined,
): Attributes {
  const v = graph.versions.get(key);
  return {
    trust: v?.trust ?? null,
    reach: v?.reach ?? null,
    flagSeverity: flagSeverity?.get(key) ?? null,
  };
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
      attributes: { root, truncated: false },
      options: { type: 'directed', multi: true, allowSelfLoops: false },
      nodes: [],
      edges: [],
    },
    versions: [root],
    seen: new Map(),
    perDepth: new Map(),
  };
  const { addNode, addEdge } = adder(view, graph, options.limit);
  const versions = view.versions as string[];
  const version = (key: string): Attributes => versionAttributes(graph, key, options.flagSeverity);
  addNode(root, 'version', 0, version(root));
  const queue: [string, number][] = [[root, 0]];
  for (let head = 0; head < queue.length; head++) {
    const [key, depth] = queue[head] as [string, number];
    if (depth >= options.depth) continue;
    for (const child of children.get(key) ?? []) {
      const known = view.seen.has(child);
      // A node seen already keeps its attributes: only a new one needs its scores looked up.
      if (!known && !addNode(child, 'version', depth + 1, version(child))) break;
      addEdge(key, child, 'RESOLVES_TO');
      if (!known) {
        queue.push([child, depth + 1]);
        versions.push(child);
      }
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
  for (const node of view.out.nodes)
    Object.assign(node.attributes, versionAttributes(graph, node.key, flagSeverity));
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
): SerializedGraph {
  const { addNode, addEdge } = adder(view, graph, options.limit);
  const { seen } = view;
  // A node shown already is not added again, so its stored trust is looked up only when it is new.
  const addStored = (key: string, kind: string, depth: number): boolean =>
    seen.has(key) || addNode(key, kind, depth, { trust: graph.storedTrust.get(key) ?? null });
  const scopes = new Map<string, string[]>();
  for (const scope of graph.inScope) append(scopes, scope.pkg, scope.org);
  const withContributors = new Set<string>();
  const withPeople = options.layers.includes('people');
  for (const key of view.versions) {
    const depth = seen.get(key) ?? 0;
    const pkg = graph.packageOf.get(key);
    if (pkg === undefined) continue;
    if (withPeople) {
      for (const person of peopleOf(graph.maintainers.get(pkg), graph.publishers.get(key)))
        if (addStored(person, 'person', depth + 0.5)) addEdge(person, key, 'MAINTAINS');
    }
    const repo = graph.hostedAt.get(pkg);
    if (
      options.layers.includes('repos') &&
      repo !== undefined &&
      addNode(repo, 'repository', depth + 0.5)
    )
      addEdge(key, repo, 'HOSTED_AT');
    if (
      options.layers.includes('contributors') &&
      repo !== undefined &&
      seen.has(repo) &&
      !withContributors.has(repo)
    ) {
      withContributors.add(repo);
      const top = [...(graph.contributors.get(repo) ?? [])]
        .sort((a, b) => b.commits - a.commits || a.person.localeCompare(b.person))
        .slice(0, TOP_CONTRIBUTORS);
      for (const { person } of top)
        if (addStored(person, 'person', depth + 0.75)) addEdge(person, repo, 'CONTRIBUTES_TO');
    }
    if (options.layers.includes('orgs')) {
      const owner = repo === undefined ? undefined : graph.ownedBy.get(repo);
      if (owner !== undefined && addStored(owner, 'organisation', depth + 0.75))
        addEdge(repo ?? key, owner, 'OWNED_BY');
      for (const org of (scopes.get(pkg) ?? []).sort(byKey)) {
        if (addStored(org, 'organisation', depth + 0.75)) addEdge(key, org, 'IN_SCOPE');
      }
    }
  }
  return view.out;
}

export function graphView(graph: TrustGraph, root: string, options: ViewOptions): SerializedGraph {
  return viewLayers(graph, viewVersions(graph, root, options), options);
}

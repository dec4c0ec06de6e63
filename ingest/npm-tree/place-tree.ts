/**
 * One pass of placement for one root (Arborist's buildIdealTree, PlaceDep and CanPlaceDep in the
 * rules that decide which name@versions are installed): the queue, the peer sets, where each
 * version can go. docs/decisions/010-npm-tree.md says where it follows npm and where it differs.
 */
import semver from 'semver';
import { failureCode } from '../../core/errors.js';
import { dependenciesOf } from '../sources/npm/map-packument.js';
import type { Dependency, DependencyKind, Packument } from '../sources/npm/packument.js';
import { pickVersion } from '../sources/npm/resolve.js';
import type { LoadPackument, NpmTree, TreeFailure, TreeOptions } from '../npm-tree.js';
import { Prefetcher } from './prefetch.js';
import { readClosure } from './read-closure.js';
import { byName, satisfies, TreeNode } from './tree-node.js';

type Placement = 'conflict' | 'ok' | 'replace' | 'keep';

interface Edge {
  from: TreeNode;
  dependency: Dependency;
}

const FOLLOWED: readonly DependencyKind[] = ['prod', 'optional', 'peer'];
/** Versions loaded into one peer set at most (real sets have a handful). */
const MAX_PEER_SET_LOADS = 1000;

/** One pass of placement for one root: the tree, then the closure read off it. */
export class TreeBuilder {
  private readonly project: TreeNode;
  private readonly queue: TreeNode[] = [];
  private readonly visited = new Set<TreeNode>();
  /** Nodes with a dependency of each name, for "who would this placement break". */
  private readonly dependents = new Map<string, Set<TreeNode>>();
  private readonly failures = new Map<string, TreeFailure>();
  private readonly nodeVersion: string;
  private steps = 0;
  /** Fetches ahead down the tree (prefetch.ts). */
  private readonly ahead: Prefetcher;

  constructor(
    private readonly load: LoadPackument,
    private readonly rootName: string,
    rootSpec: string,
    private readonly options: TreeOptions,
  ) {
    this.nodeVersion = options.nodeVersion ?? process.version;
    this.ahead = new Prefetcher(
      load,
      (packument, version) => this.followed(packument, version, false),
      this.nodeVersion,
      options.maxDepth,
    );
    const rootEdge: Dependency = {
      alias: rootName,
      name: rootName,
      range: rootSpec,
      spec: rootSpec,
      kind: 'prod',
      optionalPeer: false,
    };
    this.project = new TreeNode('', undefined, '', [rootEdge], -1);
    this.index(this.project);
  }

  private index(node: TreeNode): void {
    for (const d of node.dependencies) {
      let set = this.dependents.get(d.alias);
      if (set === undefined) this.dependents.set(d.alias, (set = new Set()));
      set.add(node);
    }
  }

  /** The dependencies of `packument@version` a tree node follows. */
  private followed(packument: Packument, version: string, root: boolean): Dependency[] {
    const kinds = root && this.options.dev === true ? [...FOLLOWED, 'dev' as const] : FOLLOWED;
    const manifest = packument.versions.get(version);
    const bundled = manifest?.bundled ?? new Set<string>();
    // Bundled dependencies come in the tarball: npm does not fetch them.
    return dependenciesOf(packument, version, kinds).filter((d) => !bundled.has(d.alias));
  }

  private edgeValid(from: TreeNode, d: Dependency): boolean {
    const to = from.resolve(d.alias);
    if (to === undefined) return d.optionalPeer;
    // A peer must not sit inside its own dependent.
    if (d.kind === 'peer' && to.parent === from && !from.isTop) return false;
    return satisfies(to, d);
  }

  private problems(node: TreeNode): Dependency[] {
    if (this.options.maxDepth !== undefined && node.depth >= this.options.maxDepth) return [];
    return node.dependencies.filter(
      (d) => !this.failures.has(this.failureId(node, d)) && !this.edgeValid(node, d),
    );
  }

  private failureId(node: TreeNode, d: Dependency): string {
    return `${d.name}@${d.range} ${node.key}`;
  }

  private async candidate(
    name: string,
    d: Dependency,
    from: TreeNode,
    /** Record a failure to load it (not for an optional peer, which may never be needed). */
    record = true,
  ): Promise<TreeNode | undefined> {
    const packument = await this.load(d.name);
    const optional = d.kind === 'optional' || d.optionalPeer;
    let failure: unknown = packument instanceof Error ? packument : undefined;
    let version: string | undefined;
    if (!(packument instanceof Error)) {
      try {
        version = pickVersion(packument, d.range, this.nodeVersion);
      } catch (error) {
        failure = error;
      }
    }
    if (packument instanceof Error || version === undefined) {
      const id = this.failureId(from, d);
      if (record && !this.failures.has(id))
        this.failures.set(id, {
          name: d.name,
          spec: d.range,
          parent: from.isProject ? undefined : from.key,
          code: failureCode(failure),
          reason: failure instanceof Error ? failure.message : String(failure),
          optional,
        });
      return undefined;
    }
    const isRoot = from.isProject;
    return new TreeNode(
      name,
      packument,
      version,
      this.followed(packument, version, isRoot),
      from.depth + 1,
    );
  }

  /**
   * The peers that go with `node` (Arborist's peer set, loaded into a virtual root): each peer
   * picked for the source's own range of that name when it has one, and the peer's peers with it.
   * Optional peers are in the set too: they are not installed where missing, but one the tree
   * has in a version they refuse makes a conflict, and is then installed beside (as npm does).
   */
  private async peerSet(
    node: TreeNode,
    source: TreeNode,
    set: Map<string, TreeNode>,
    budget = { loads: 0 },
  ): Promise<void> {
    // A hostile registry's peers may replace each other for ever: a set is loaded in bounded steps.
    if (++budget.loads > MAX_PEER_SET_LOADS) return;
    const peers = node.dependencies
      .filter((d) => d.kind === 'peer')
      .sort((a, b) => byName(a.alias, b.alias));
    for (const peer of peers) {
      const present = set.get(peer.alias);
      if (present !== undefined && satisfies(present, peer)) continue;
      const sourceEdge = source.edge(peer.alias);
      let chosen: TreeNode | undefined;
      if (present === undefined && sourceEdge !== undefined && sourceEdge.name === peer.name) {
        // The source's range, unless the peer's own range gives a version both accept.
        const first = await this.candidate(peer.alias, sourceEdge, source, !peer.optionalPeer);
        chosen = first;
        if (first !== undefined && !satisfies(first, peer)) {
          const second = await this.candidate(peer.alias, peer, node, !peer.optionalPeer);
          if (second !== undefined && satisfies(second, sourceEdge)) chosen = second;
        }
      } else {
        chosen = await this.candidate(peer.alias, peer, node, !peer.optionalPeer);
        // Something in the set already that this peer does not accept: replaced only if the new
        // one also meets the set's other members (otherwise the conflict is allowed, as npm does).
        if (chosen !== undefined && present !== undefined) {
          const others = [...set.values()].flatMap((member) =>
            member.dependencies.filter((d) => d.alias === peer.alias),
          );
          if (!others.every((d) => satisfies(chosen as TreeNode, d))) chosen = undefined;
        }
      }
      if (chosen === undefined) continue;
      chosen.depth = Math.min(chosen.depth, node.depth + 1);
      set.set(peer.alias, chosen);
      await this.peerSet(chosen, source, set, budget);
    }
  }

  /** Every edge into `node` from the tree (the nodes whose dependency of its name reaches it). */
  private edgesIn(node: TreeNode): Edge[] {
    const out: Edge[] = [];
    for (const from of this.dependents.get(node.name) ?? []) {
      if (!from.attached && !from.isProject) continue;
      if (from.resolve(node.name) !== node) continue;
      const dependency = from.edge(node.name);
      if (dependency !== undefined) out.push({ from, dependency });
    }
    return out;
  }

  private canReplace(dep: TreeNode, current: TreeNode): boolean {
    return this.edgesIn(current).every((e) => satisfies(dep, e.dependency));
  }

  /** Walks up from `start` while the dependency's name is a peer of the node there. */
  private deepestNestingTarget(start: TreeNode, name: string): TreeNode {
    for (const target of start.ancestry()) {
      if (target.isTop) return target;
      const edge = target.edge(name);
      if (edge === undefined || edge.kind !== 'peer') return target;
    }
    return this.project;
  }

  /** Arborist's CanPlaceDep, for `dep` (and the peers that go with it) at `target`. */
  private canPlace(
    dep: TreeNode,
    d: Dependency,
    from: TreeNode,
    target: TreeNode,
    peers: Map<string, TreeNode>,
    nestingStart: TreeNode,
    seen: Set<TreeNode> = new Set(),
  ): { self: Placement; all: Placement } {
    const current = target.children.get(dep.name);
    const targetEdge = target.edge(dep.name);
    if (targetEdge !== undefined && targetEdge.kind === 'peer' && !target.isTop)
      return { self: 'conflict', all: 'conflict' };
    if (
      current === undefined &&
      targetEdge !== undefined &&
      !satisfies(dep, targetEdge) &&
      !(target === from && targetEdge === d)
    )
      return { self: 'conflict', all: 'conflict' };
    const withPeers = (state: Placement): { self: Placement; all: Placement } => {
      const all = this.canPlacePeers(dep, target, peers, nestingStart, seen) ? state : 'conflict';
      return { self: state, all };
    };
    if (current !== undefined) {
      if (current.packument?.name === dep.packument?.name && current.version === dep.version)
        return { self: 'keep', all: 'keep' };
      const tryReplace =
        semver.valid(current.version, true) !== null &&
        semver.valid(dep.version, true) !== null &&
        semver.gte(dep.version, current.version, true);
      if (tryReplace && this.canReplace(dep, current)) {
        const r = withPeers('replace');
        if (r.all !== 'conflict') return r;
      }
      if (satisfies(current, d)) return { self: 'keep', all: 'keep' };
      // Peers prefer deduplication: an older version replaces a newer one that everyone accepts.
      if (d.kind === 'peer' && !tryReplace && this.canReplace(dep, current)) {
        const r = withPeers('replace');
        if (r.all !== 'conflict') return r;
      }
      if (target !== this.deepestNestingTarget(nestingStart, dep.name))
        return { self: 'conflict', all: 'conflict' };
      if (d.kind !== 'peer' && target === from) return withPeers('replace');
      return { self: 'conflict', all: 'conflict' };
    }
    // Nothing here: would this shadow what a node below relies on, up the tree?
    const shadowed = target !== from ? target.resolve(dep.name) : undefined;
    if (shadowed !== undefined) {
      for (const e of this.edgesIn(shadowed)) {
        if (e.from.isDescendantOf(target) && satisfies(shadowed, e.dependency)) {
          if (!satisfies(dep, e.dependency)) return { self: 'conflict', all: 'conflict' };
        }
      }
    }
    return withPeers('ok');
  }

  private canPlacePeers(
    dep: TreeNode,
    target: TreeNode,
    peers: Map<string, TreeNode>,
    nestingStart: TreeNode,
    seen: Set<TreeNode>,
  ): boolean {
    if (seen.has(dep)) return true;
    seen.add(dep);
    for (const peer of dep.dependencies) {
      if (peer.kind !== 'peer') continue;
      const member = peers.get(peer.alias);
      if (member === undefined || !satisfies(member, peer)) continue;
      const placed = this.canPlace(member, peer, dep, target, peers, nestingStart, seen);
      if (placed.all === 'conflict') return false;
    }
    return true;
  }

  /** Places `dep` for `d` of `from` (and its peers beside it); returns the nodes placed. */
  private place(
    dep: TreeNode,
    d: Dependency,
    from: TreeNode,
    peers: Map<string, TreeNode>,
    start: TreeNode,
  ): TreeNode[] {
    if (this.edgeValid(from, d) && !from.isProject) return [];
    let chosen: { target: TreeNode; placement: Placement } | undefined;
    let selfOnly: { target: TreeNode; placement: Placement } | undefined;
    for (const target of this.deepestNestingTarget(start, dep.name).ancestry()) {
      const targetEdge = target.edge(dep.name);
      if (!target.isTop && targetEdge !== undefined && targetEdge.kind === 'peer') continue;
      const result = this.canPlace(dep, d, from, target, peers, start);
      if (result.self !== 'conflict') selfOnly = { target, placement: result.self };
      if (result.all === 'conflict') break;
      chosen = { target, placement: result.all };
    }
    // A conflict among the peers only: placed where it fits itself, the conflicting peer kept.
    chosen ??= selfOnly;
    if (chosen === undefined || chosen.placement === 'keep') return [];
    const { target } = chosen;
    const old = target.children.get(dep.name);
    target.children.set(dep.name, dep);
    dep.parent = target;
    dep.peerSource = from;
    this.index(dep);
    if (dep.packument !== undefined) this.options.onPlaced?.(dep.packument, dep.version);
    const placed = [dep];
    const requeue = new Set<TreeNode>();
    if (old !== undefined && old !== dep) {
      // Replaced: its subtree goes; whoever now misses a dependency is looked at again.
      for (const e of this.edgesIn(dep)) if (!satisfies(dep, e.dependency)) requeue.add(e.from);
    } else {
      // Shadowing: nodes below that reached another version of this name and now reach this one.
      for (const e of this.edgesIn(dep))
        if (e.from !== from && !satisfies(dep, e.dependency)) requeue.add(e.from);
    }
    for (const node of requeue) {
      this.visited.delete(node);
      this.queue.push(node);
    }
    // The peers go beside it, unless the tree already gives them what they accept.
    for (const peer of dep.dependencies) {
      if (peer.kind !== 'peer') continue;
      if (this.edgeValid(dep, peer)) continue;
      const member = peers.get(peer.alias);
      if (member === undefined || member.parent !== undefined || !satisfies(member, peer)) continue;
      placed.push(...this.place(member, peer, dep, peers, start));
    }
    return placed;
  }

  async build(): Promise<NpmTree> {
    this.queue.push(this.project);
    const maxSteps = this.options.maxSteps ?? 200_000;
    while (this.queue.length > 0 && this.steps <= maxSteps) {
      this.queue.sort(
        (a, b) => a.physicalDepth - b.physicalDepth || byName(a.location, b.location),
      );
      const node = this.queue.shift() as TreeNode;
      if (this.visited.has(node) || !node.attached) continue;
      this.visited.add(node);
      const problems = this.problems(node);
      // Fetched together, as npm prefetches a node's problem edges.
      const tasks = await Promise.all(
        problems.map(async (d) => {
          const dep = await this.candidate(d.alias, d, node);
          const peers = new Map<string, TreeNode>();
          const source = d.kind === 'peer' ? (node.peerSource ?? node) : node;
          if (dep !== undefined) await this.peerSet(dep, source, peers);
          return { d, dep, peers };
        }),
      );
      tasks.sort((a, b) => byName(a.d.alias, b.d.alias));
      for (const { d, dep, peers } of tasks) {
        if (dep === undefined) continue;
        if (++this.steps > maxSteps) break;
        const start = d.kind === 'peer' ? this.deepestNestingTarget(node, d.alias) : node;
        for (const placed of this.place(dep, d, node, peers, start)) {
          this.queue.push(placed);
          // Fetched ahead, as npm does: most of these will be needed soon.
          for (const next of placed.dependencies)
            if (next.kind !== 'peer') this.ahead.prefetch(next, placed.depth + 1);
            else if (!next.optionalPeer) void this.load(next.name).catch(() => undefined);
        }
      }
    }
    return readClosure(
      this.project,
      this.rootName,
      [...this.failures.values()],
      this.options.maxDepth,
    );
  }
}

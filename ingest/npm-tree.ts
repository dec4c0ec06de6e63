/**
 * The tree npm builds for a spec (Arborist's buildIdealTree, `npm install --package-lock-only`),
 * so the closure is what npm installs: a dependency already visible from the dependent and
 * satisfying its range is used, not resolved again; a new version is placed as shallow as it can
 * go without breaking what is there; a peer goes beside its dependent, satisfied by what the tree
 * provides where it can be; bundled dependencies are not fetched. Placement needs the whole tree,
 * so it is one deterministic pass over packuments fetched through `load` (the run's registry
 * client, which fetches each once). docs/decisions/010-npm-tree.md says where it follows npm and
 * where it knowingly differs.
 */
import type { Packument, DependencyKind } from './sources/npm/packument.js';
import type { ErrorCode } from '../core/errors.js';
import type { VisitJob } from './npm-closure.js';
import { TreeBuilder } from './npm-tree/place-tree.js';

/** A packument, or why there is none (missing, unreadable): the dependency's failure. */
export type LoadPackument = (name: string) => Promise<Packument | Error>;

export interface TreeFailure {
  name: string;
  spec: string;
  parent: string | undefined;
  code: ErrorCode;
  reason: string;
  optional: boolean;
}

export interface TreeVersion {
  key: string;
  name: string;
  version: string;
  /** Reached only through optional dependencies: npm installs it where its platform fits. */
  optional: boolean;
  /** The shortest chain of dependencies from the root (0: the root). */
  depth: number;
}

/** A dependency as the tree resolved it: the RESOLVES_TO from the version that needs it. */
export interface TreeEdge {
  from: string;
  to: string;
  /** The range as written (after an alias's `npm:<name>@`). */
  range: string;
  kind: DependencyKind;
}

export interface NpmTree {
  /** The root version's key; undefined when the root itself failed. */
  root: string | undefined;
  versions: TreeVersion[];
  edges: TreeEdge[];
  failures: TreeFailure[];
}

export interface TreeOptions {
  /** Follow the root's devDependencies too. */
  dev?: boolean;
  /** Levels of dependencies below the root to follow (0: the root only); undefined for all. */
  maxDepth?: number | undefined;
  /** The Node version `engines.node` is checked against when picking (default: this process's). */
  nodeVersion?: string;
  /** Placements before the pass gives up (a guard against a hostile cycle of replacements). */
  maxSteps?: number;
  /**
   * Told of each version placed (with its package), as it is placed (a version may still be
   * replaced later, by one of the same package; a dropped subtree's package may not be in the end).
   */
  onPlaced?: (packument: Packument, version: string) => void;
}

/** The tree npm would build for `name@spec` alone, read as its closure. */
export function buildNpmTree(
  load: LoadPackument,
  name: string,
  spec: string,
  options: TreeOptions = {},
): Promise<NpmTree> {
  return new TreeBuilder(load, name, spec, options).build();
}

/**
 * The closure handler's jobs that record a tree: each version once (its packument and
 * dependencies), each dependency as the RESOLVES_TO from the version that needs it, each failure
 * where it happened. None follows anything: the tree has decided.
 */
export function treeJobs(tree: NpmTree, root: { name: string; spec: string }): VisitJob[] {
  if (tree.root === undefined)
    return [{ name: root.name, spec: root.spec, depth: 0, follow: false }];
  const versions = new Map(tree.versions.map((v) => [v.key, v]));
  const rootVersion = versions.get(tree.root) as TreeVersion;
  const jobs: VisitJob[] = [
    { name: rootVersion.name, spec: rootVersion.version, depth: 0, follow: false },
  ];
  for (const edge of tree.edges) {
    const to = versions.get(edge.to);
    if (to === undefined) continue;
    jobs.push({
      name: to.name,
      spec: to.version,
      range: edge.range,
      parent: edge.from,
      root: tree.root,
      depth: to.depth,
      follow: false,
      ...(to.optional ? { optional: true } : {}),
    });
  }
  for (const failure of tree.failures) {
    if (failure.parent === undefined) continue;
    jobs.push({
      name: failure.name,
      spec: failure.spec,
      parent: failure.parent,
      root: tree.root,
      depth: (versions.get(failure.parent)?.depth ?? 0) + 1,
      follow: false,
      ...(failure.optional ? { optional: true } : {}),
    });
  }
  return jobs;
}

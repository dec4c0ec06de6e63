/**
 * A node of the tree npm builds (Arborist's Node, in the parts placement reads): a folder
 * `node_modules/<name>` holding one version of a package, resolving names up its parents, and
 * whether a version satisfies a dependency as Arborist's dep-valid says.
 */
import semver from 'semver';
import { npmVersionKey } from '../identity.js';
import type { Dependency, Packument } from '../sources/npm/packument.js';
import { parseDependencySpec } from '../sources/npm/spec.js';

/** A node of the tree: a folder `node_modules/<name>` holding one version of a package. */
export class TreeNode {
  readonly children = new Map<string, TreeNode>();
  parent: TreeNode | undefined;
  /** The node whose dependency brought this one in with its peers (Arborist's peerSetSource). */
  peerSource: TreeNode | undefined;
  constructor(
    /** The folder name: the alias a dependent used, or the package's name. */
    readonly name: string,
    readonly packument: Packument | undefined,
    readonly version: string,
    readonly dependencies: readonly Dependency[],
    public depth: number,
  ) {}

  get isProject(): boolean {
    return this.packument === undefined;
  }

  get location(): string {
    return this.parent === undefined ? '' : `${this.parent.location}/node_modules/${this.name}`;
  }

  get physicalDepth(): number {
    return this.parent === undefined ? 0 : this.parent.physicalDepth + 1;
  }

  get isTop(): boolean {
    return this.parent === undefined;
  }

  get attached(): boolean {
    if (this.parent === undefined) return this.isProject;
    return this.parent.children.get(this.name) === this && this.parent.attached;
  }

  *ancestry(): Generator<TreeNode> {
    yield this;
    if (this.parent !== undefined) yield* this.parent.ancestry();
  }

  resolve(name: string): TreeNode | undefined {
    for (const node of this.ancestry()) {
      const child = node.children.get(name);
      if (child !== undefined) return child;
    }
    return undefined;
  }

  isDescendantOf(other: TreeNode): boolean {
    for (const node of this.ancestry()) if (node === other) return true;
    return false;
  }

  edge(name: string): Dependency | undefined {
    return this.dependencies.find((d) => d.alias === name);
  }

  get key(): string {
    return this.packument === undefined ? '' : npmVersionKey(this.packument.name, this.version);
  }
}

const specCache = new Map<string, { type: string; fetchSpec: string }>();

/** Whether `version` of a registry package satisfies `spec` as Arborist's dep-valid does. */
function specAccepts(name: string, spec: string, version: string): boolean {
  const id = `${name}\u0000${spec}`;
  let parsed = specCache.get(id);
  if (parsed === undefined) {
    try {
      const { type, fetchSpec } = parseDependencySpec(name, spec);
      parsed = { type, fetchSpec };
    } catch {
      parsed = { type: 'invalid', fetchSpec: '' };
    }
    if (specCache.size > 50_000) specCache.clear();
    specCache.set(id, parsed);
  }
  // A tag is met by any registry version (npm checks only that it came from the registry).
  if (parsed.type === 'tag') return true;
  if (parsed.type !== 'range' && parsed.type !== 'version') return false;
  if (parsed.fetchSpec === '*' || parsed.fetchSpec === '') return true;
  return semver.valid(version, true) !== null && semver.satisfies(version, parsed.fetchSpec, true);
}

export function satisfies(node: TreeNode, dependency: Dependency): boolean {
  return (
    node.packument !== undefined &&
    node.packument.name === dependency.name &&
    specAccepts(dependency.name, dependency.range, node.version)
  );
}

export function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

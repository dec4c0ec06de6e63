/** The closure read off a placed tree: the versions it reaches and the edge each dependency takes. */
import type { NpmTree, TreeEdge, TreeFailure, TreeVersion } from '../npm-tree.js';
import { byName, type TreeNode } from './tree-node.js';

/** The versions the tree reaches from the root and the edge each dependency resolves by. */
export function readClosure(
  project: TreeNode,
  rootName: string,
  failures: TreeFailure[],
  maxDepth: number | undefined,
): NpmTree {
  const versions = new Map<string, TreeVersion>();
  const edges = new Map<string, TreeEdge>();
  const rootNode = project.children.get(rootName);
  if (rootNode === undefined) return { root: undefined, versions: [], edges: [], failures };
  // Breadth first, so each version's depth and optional flag come from its shortest way in.
  const frontier: { node: TreeNode; depth: number; optional: boolean }[] = [
    { node: rootNode, depth: 0, optional: false },
  ];
  const walked = new Map<TreeNode, boolean>();
  for (let i = 0; i < frontier.length; i++) {
    const { node, depth, optional } = frontier[i] as (typeof frontier)[number];
    const before = walked.get(node);
    if (before !== undefined && (!before || optional)) continue;
    walked.set(node, optional);
    const key = node.key;
    const known = versions.get(key);
    versions.set(key, {
      key,
      name: node.packument?.name ?? node.name,
      version: node.version,
      optional: (known?.optional ?? true) && optional,
      depth: Math.min(known?.depth ?? depth, depth),
    });
    if (maxDepth !== undefined && depth >= maxDepth) continue;
    for (const d of node.dependencies) {
      const to = node.resolve(d.alias);
      if (to === undefined || to.packument?.name !== d.name) continue;
      const edgeId = `${key} ${to.key} ${d.range}`;
      if (!edges.has(edgeId))
        edges.set(edgeId, { from: key, to: to.key, range: d.range, kind: d.kind });
      frontier.push({ node: to, depth: depth + 1, optional: optional || d.kind === 'optional' });
    }
  }
  return {
    root: rootNode.key,
    versions: [...versions.values()].sort((a, b) => byName(a.key, b.key)),
    edges: [...edges.values()],
    failures: failures,
  };
}

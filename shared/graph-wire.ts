/**
 * `/api/graph?format=compact`: the graphology answer with its edges as numbers, what the explorer
 * asks for and what the server's view is made as (server/graph-view.ts). A 50k-node view has
 * 277,000 edges, and as graphology objects (two keys and a type each) they are four fifths of a
 * 37 MiB answer; as three numbers each (the source's and the target's positions in `nodes`, the
 * type's in `edgeTypes`) they are about 4 MiB. The nodes are graphology's as they are.
 * `expandGraph` gives the graphology answer, edge for edge and in order.
 * No imports but types: the client's build reads this file too.
 */
import type { CompactGraph, SerializedGraph } from './wire-types.js';

/** An index into a list of `length` items, or a clear error for anything else. */
function position(value: number | undefined, length: number, what: string, edge: number): number {
  if (value === undefined || !Number.isInteger(value) || value < 0 || value >= length)
    throw new Error(
      `/api/graph's compact answer: edge ${edge} names ${what} ${String(value)}, of ${length}`,
    );
  return value;
}

/** The graphology answer: each edge a fresh object, as JSON would give. */
export function expandGraph(compact: CompactGraph): SerializedGraph {
  const { nodes, edgeTypes, edges } = compact;
  // Parsed JSON, whatever its type says: a graphology answer, or anything else, is refused.
  const shape = compact as {
    format?: unknown;
    nodes?: unknown;
    edges?: unknown;
    edgeTypes?: unknown;
  };
  if (
    shape.format !== 'compact' ||
    !Array.isArray(shape.nodes) ||
    !Array.isArray(shape.edges) ||
    !Array.isArray(shape.edgeTypes)
  )
    throw new Error("/api/graph's answer is not in the compact format");
  for (const type of edgeTypes)
    if (typeof type !== 'string')
      throw new Error(
        `/api/graph's compact answer: an edge type is not a string (${String(type)})`,
      );
  if (edges.length % 3 !== 0)
    throw new Error(
      `/api/graph's compact answer: ${edges.length} edge numbers, not three per edge`,
    );
  const keyAt = (n: number | undefined, i: number): string => {
    const key: unknown = nodes[position(n, nodes.length, 'node', i)]?.key;
    if (typeof key !== 'string')
      throw new Error(`/api/graph's compact answer: edge ${i} names a node without a key`);
    return key;
  };
  const expanded = new Array<SerializedGraph['edges'][number]>(edges.length / 3);
  for (let i = 0; i < expanded.length; i++) {
    // `position` has checked the index, and every type is a string.
    const type = edgeTypes[position(edges[3 * i + 2], edgeTypes.length, 'edge type', i)];
    expanded[i] = {
      source: keyAt(edges[3 * i], i),
      target: keyAt(edges[3 * i + 1], i),
      attributes: { type: type as string },
    };
  }
  return { attributes: compact.attributes, options: compact.options, nodes, edges: expanded };
}

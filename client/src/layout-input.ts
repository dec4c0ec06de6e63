/**
 * What the layout worker (./layout-worker.ts) starts from: the nodes in an order, their positions
 * (random where none is known yet) and the edges as pairs of indexes, in transferable arrays.
 */
import type Graph from 'graphology';

export function layoutInput(graph: Graph): {
  order: string[];
  index: Map<string, number>;
  positions: Float32Array;
  edges: Uint32Array;
} {
  const order = graph.nodes();
  const index = new Map(order.map((key, i) => [key, i]));
  const positions = new Float32Array(order.length * 2);
  order.forEach((key, i) => {
    const a = graph.getNodeAttributes(key);
    positions[2 * i] = typeof a.x === 'number' ? a.x : Math.random() * 100;
    positions[2 * i + 1] = typeof a.y === 'number' ? a.y : Math.random() * 100;
  });
  const edges = new Uint32Array(graph.size * 2);
  let e = 0;
  graph.forEachEdge((_edge, _attributes, source, target) => {
    edges[e++] = index.get(source) ?? 0;
    edges[e++] = index.get(target) ?? 0;
  });
  return { order, index, positions, edges };
}

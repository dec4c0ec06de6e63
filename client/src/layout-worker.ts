/**
 * ForceAtlas2 off the main thread. It gets positions and edges as typed arrays, runs batches of
 * iterations and posts the positions back after each, until the budget is spent or it is stopped.
 */
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

export interface LayoutStart {
  type: 'start';
  positions: Float32Array;
  edges: Uint32Array;
  iterations: number;
}
export interface LayoutStop {
  type: 'stop';
}
export interface LayoutPositions {
  type: 'positions';
  positions: Float32Array;
  iteration: number;
  done: boolean;
}

let running = 0;

self.onmessage = (event: MessageEvent<LayoutStart | LayoutStop>) => {
  const message = event.data;
  running++;
  if (message.type === 'stop') return;
  const run = running;
  const graph = new Graph({ type: 'undirected', multi: false });
  const n = message.positions.length / 2;
  for (let i = 0; i < n; i++)
    graph.addNode(i, { x: message.positions[2 * i], y: message.positions[2 * i + 1] });
  for (let e = 0; e < message.edges.length; e += 2) {
    const a = message.edges[e] as number;
    const b = message.edges[e + 1] as number;
    if (a !== b) graph.mergeEdge(a, b);
  }
  const settings = {
    ...forceAtlas2.inferSettings(graph),
    barnesHutOptimize: n > 2000,
    adjustSizes: false,
  };
  let iteration = 0;
  const step = (): void => {
    if (run !== running) return;
    // Iterate for about half a second between posts, whatever the graph's size.
    const started = performance.now();
    do {
      forceAtlas2.assign(graph, { iterations: 1, settings });
      iteration++;
    } while (iteration < message.iterations && performance.now() - started < 500);
    const positions = new Float32Array(n * 2);
    graph.forEachNode((node, attributes) => {
      const i = Number(node);
      positions[2 * i] = attributes.x as number;
      positions[2 * i + 1] = attributes.y as number;
    });
    const done = iteration >= message.iterations;
    const reply: LayoutPositions = { type: 'positions', positions, iteration, done };
    self.postMessage(reply, { transfer: [positions.buffer] });
    if (!done) setTimeout(step, 0);
  };
  step();
};

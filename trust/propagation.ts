/**
 * Propagation over the resolved dependency graph (TRUST-MODEL.md 2.4). Edges point from a
 * dependent to its dependency and carry w_e (kind and pin weight).
 *
 * - Effective trust, by weakest link: ρ(p) = max(r0(p), max_{p→q} δ·w·ρ(q)), E = 1 − ρ. Exact with
 *   cycles (a cycle only lowers a product): multi-source Dijkstra on reversed edges, keeping the
 *   dependency that limits each node, so the limiting path can be shown.
 * - Exposure, by noisy-or over the condensation of cycles: ρ_N(C) = 1 − (1 − r0(C))·Π(1 − δ·w·ρ_N(D)).
 */
import { buildCsr, type Csr, type EdgeList } from './csr.js';
import { TRUST_PARAMS } from './params.js';

/** A binary max-heap of (priority, node) in typed arrays; stale entries are skipped by the caller. */
class MaxHeap {
  private priorities: Float64Array;
  private nodes: Uint32Array;
  size = 0;

  constructor(capacity: number) {
    this.priorities = new Float64Array(Math.max(capacity, 16));
    this.nodes = new Uint32Array(Math.max(capacity, 16));
  }

  push(priority: number, node: number): void {
    if (this.size === this.priorities.length) {
      const priorities = new Float64Array(this.size * 2);
      priorities.set(this.priorities);
      const nodes = new Uint32Array(this.size * 2);
      nodes.set(this.nodes);
      this.priorities = priorities;
      this.nodes = nodes;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.priorities[parent] as number) >= priority) break;
      this.priorities[i] = this.priorities[parent] as number;
      this.nodes[i] = this.nodes[parent] as number;
      i = parent;
    }
    this.priorities[i] = priority;
    this.nodes[i] = node;
  }

  /** Removes the top; returns its node (read its priority first with `topPriority`). */
  pop(): number {
    const top = this.nodes[0] as number;
    const lastPriority = this.priorities[--this.size] as number;
    const lastNode = this.nodes[this.size] as number;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child =
        right < this.size && (this.priorities[right] as number) > (this.priorities[left] as number)
          ? right
          : left;
      if ((this.priorities[child] as number) <= lastPriority) break;
      this.priorities[i] = this.priorities[child] as number;
      this.nodes[i] = this.nodes[child] as number;
      i = child;
    }
    this.priorities[i] = lastPriority;
    this.nodes[i] = lastNode;
    return top;
  }

  topPriority(): number {
    return this.priorities[0] as number;
  }
}

export interface WeakestLink {
  /** Risk ρ per node; effective trust is 1 − ρ. */
  rho: Float64Array;
  /** The dependency that sets a node's ρ, or −1 when its own risk does. */
  via: Int32Array;
}

export function weakestLink(
  n: number,
  dependencies: EdgeList,
  r0: Float64Array,
  delta = TRUST_PARAMS.delta,
): WeakestLink {
  const reversed = buildCsr(n, dependencies, true);
  const rho = Float64Array.from(r0);
  const via = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new MaxHeap(n);
  for (let i = 0; i < n; i++) heap.push(rho[i] as number, i);
  while (heap.size > 0) {
    const priority = heap.topPriority();
    const q = heap.pop();
    if (done[q] === 1 || priority < (rho[q] as number)) continue;
    done[q] = 1;
    for (let e = reversed.offsets[q] as number; e < (reversed.offsets[q + 1] as number); e++) {
      const p = reversed.targets[e] as number;
      const candidate = delta * (reversed.weights[e] as number) * (rho[q] as number);
      if (candidate > (rho[p] as number)) {
        rho[p] = candidate;
        via[p] = q;
        heap.push(candidate, p);
      }
    }
  }
  return { rho, via };
}

/** The limiting path from `node`: itself, then each dependency that set the risk before it. */
export function limitingPath(via: Int32Array, node: number): number[] {
  const path = [node];
  const seen = new Set(path);
  let at = via[node] as number;
  while (at >= 0 && !seen.has(at)) {
    path.push(at);
    seen.add(at);
    at = via[at] as number;
  }
  return path;
}

export interface Condensation {
  /** Component of each node. Components are numbered in reverse topological order: a component's
   *  dependencies all have smaller numbers. */
  component: Uint32Array;
  count: number;
}

/** Strongly connected components (iterative Tarjan, no recursion: a million nodes deep is fine). */
export function stronglyConnected(graph: Csr): Condensation {
  const { n, offsets, targets } = graph;
  const index = new Int32Array(n).fill(-1);
  const low = new Uint32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Uint32Array(n);
  let stackSize = 0;
  const callNode = new Uint32Array(n);
  const callEdge = new Uint32Array(n);
  const component = new Uint32Array(n);
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if ((index[root] as number) >= 0) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = offsets[root] as number;
    index[root] = low[root] = next++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth] as number;
      const e = callEdge[depth] as number;
      if (e < (offsets[v + 1] as number)) {
        callEdge[depth] = e + 1;
        const w = targets[e] as number;
        if ((index[w] as number) < 0) {
          index[w] = low[w] = next++;
          stack[stackSize++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = offsets[w] as number;
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v] as number, index[w] as number);
        }
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--stackSize] as number;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== v);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth] as number;
        low[parent] = Math.min(low[parent] as number, low[v] as number);
      }
    }
  }
  return { component, count };
}

export interface Exposure {
  /** ρ_N per node (its component's). */
  rhoN: Float64Array;
  condensation: Condensation;
  /** r0 of each component: 1 − Π(1 − r0(v)) over its members. */
  componentR0: Float64Array;
  componentRhoN: Float64Array;
}

export function exposure(
  n: number,
  dependencies: EdgeList,
  r0: Float64Array,
  delta = TRUST_PARAMS.delta,
): Exposure {
  const forward = buildCsr(n, dependencies);
  const condensation = stronglyConnected(forward);
  const { component, count } = condensation;
  const keep = new Float64Array(count).fill(1);
  for (let v = 0; v < n; v++)
    keep[component[v] as number] =
      (keep[component[v] as number] as number) * (1 - (r0[v] as number));
  const componentR0 = keep.map((k) => 1 - k);
  // Edges between components, one per pair, with the largest weight.
  const best = new Map<number, number>();
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < n; v++) members[component[v] as number]?.push(v);
  const componentRhoN = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    best.clear();
    for (const v of members[c] ?? []) {
      for (let e = forward.offsets[v] as number; e < (forward.offsets[v + 1] as number); e++) {
        const d = component[forward.targets[e] as number] as number;
        if (d === c) continue;
        best.set(d, Math.max(best.get(d) ?? 0, forward.weights[e] as number));
      }
    }
    let product = 1 - (componentR0[c] as number);
    for (const [d, w] of best) product *= 1 - delta * w * (componentRhoN[d] as number);
    componentRhoN[c] = 1 - product;
  }
  const rhoN = new Float64Array(n);
  for (let v = 0; v < n; v++) rhoN[v] = componentRhoN[component[v] as number] as number;
  return { rhoN, condensation, componentR0, componentRhoN };
}

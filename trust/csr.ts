/**
 * Compressed sparse rows: a graph of `n` nodes (0..n-1) in typed arrays, so a million nodes and
 * five million edges fit in tens of megabytes and are walked without allocating.
 */
export interface Csr {
  n: number;
  /** Edges of node i are offsets[i] .. offsets[i+1]-1. */
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
}

export interface EdgeList {
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

export function buildCsr(n: number, edges: EdgeList, reverse = false): Csr {
  const m = edges.from.length;
  const offsets = new Uint32Array(n + 1);
  const source = reverse ? edges.to : edges.from;
  const target = reverse ? edges.from : edges.to;
  for (let e = 0; e < m; e++) {
    const s = (source[e] as number) + 1;
    offsets[s] = (offsets[s] as number) + 1;
  }
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const cursor = offsets.slice(0, n);
  const targets = new Uint32Array(m);
  const weights = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const s = source[e] as number;
    const at = cursor[s] as number;
    targets[at] = target[e] as number;
    weights[at] = edges.weight === undefined ? 1 : (edges.weight[e] as number);
    cursor[s] = at + 1;
  }
  return { n, offsets, targets, weights };
}

/** An undirected graph as a CSR holding each edge both ways. */
export function buildUndirectedCsr(n: number, edges: EdgeList): Csr {
  const m = edges.from.length;
  const from = new Uint32Array(2 * m);
  const to = new Uint32Array(2 * m);
  const weight = new Float64Array(2 * m);
  for (let e = 0; e < m; e++) {
    from[2 * e] = edges.from[e] as number;
    to[2 * e] = edges.to[e] as number;
    from[2 * e + 1] = edges.to[e] as number;
    to[2 * e + 1] = edges.from[e] as number;
    weight[2 * e] = weight[2 * e + 1] =
      edges.weight === undefined ? 1 : (edges.weight[e] as number);
  }
  return buildCsr(n, { from, to, weight });
}

import { describe, expect, it } from 'vitest';
import { graphView } from '../../server/graph-view.js';
import { emptyTrustGraph, type TrustGraph } from '../../trust/load.js';

/** A root version resolving to one child; the root's package has `maintainers`, it `publishers`. */
function graphWith(
  maintainers: string[] | undefined,
  publishers: string[] | undefined,
): TrustGraph {
  const graph = emptyTrustGraph();
  const root = 'pkg:npm/a@1.0.0';
  const child = 'pkg:npm/b@1.0.0';
  graph.packageOf.set(root, 'pkg:npm/a');
  graph.packageOf.set(child, 'pkg:npm/b');
  graph.resolves.set(`${root} ${child}`, {
    from: root,
    to: child,
    ranges: new Set(),
    roots: new Set([root]),
  });
  if (maintainers !== undefined) graph.maintainers.set('pkg:npm/a', maintainers);
  if (publishers !== undefined) graph.publishers.set(root, publishers);
  graph.storedTrust.set('npm:carol', 0.25);
  return graph;
}

const view = (graph: TrustGraph, limit = 100) =>
  graphView(graph, 'pkg:npm/a@1.0.0', { depth: 5, layers: ['deps', 'people'], limit });

const people = (graph: TrustGraph): string[] =>
  view(graph)
    .nodes.filter((n) => n.attributes.kind === 'person')
    .map((n) => n.key);

describe('the graph view', () => {
  it("shows a version's people once each, sorted by key, whichever list names them", () => {
    expect(
      people(graphWith(['npm:carol', 'npm:alice', 'npm:carol'], ['npm:bob', 'npm:alice'])),
    ).toEqual(['npm:alice', 'npm:bob', 'npm:carol']);
    expect(people(graphWith(['npm:carol', 'npm:alice'], undefined))).toEqual([
      'npm:alice',
      'npm:carol',
    ]);
    expect(people(graphWith(undefined, ['npm:bob', 'npm:alice']))).toEqual([
      'npm:alice',
      'npm:bob',
    ]);
    expect(people(graphWith(['npm:carol'], []))).toEqual(['npm:carol']);
    expect(people(graphWith([], ['npm:bob']))).toEqual(['npm:bob']);
    expect(people(graphWith(undefined, undefined))).toEqual([]);
  });

  it('gives each person one MAINTAINS edge a version, their stored trust, and edges without keys', () => {
    const out = view(graphWith(['npm:carol', 'npm:carol'], ['npm:carol']));
    const carol = out.nodes.find((n) => n.key === 'npm:carol');
    expect(carol?.attributes.trust).toBe(0.25);
    expect(out.edges).toEqual([
      { source: 'pkg:npm/a@1.0.0', target: 'pkg:npm/b@1.0.0', attributes: { type: 'RESOLVES_TO' } },
      { source: 'npm:carol', target: 'pkg:npm/a@1.0.0', attributes: { type: 'MAINTAINS' } },
    ]);
  });

  it('still draws edges to people shown already once the node limit is reached, and says it is truncated', () => {
    // Limit 3: both versions and alice; bob does not fit. b's maintainer alice is shown already,
    // so her edge to b is drawn although the view is full.
    const graph = graphWith(['npm:alice', 'npm:bob'], undefined);
    graph.maintainers.set('pkg:npm/b', ['npm:alice']);
    const out = view(graph, 3);
    expect(out.nodes.map((n) => n.key)).toEqual([
      'pkg:npm/a@1.0.0',
      'pkg:npm/b@1.0.0',
      'npm:alice',
    ]);
    expect(out.attributes.truncated).toBe(true);
    expect(out.edges.map((e) => `${e.source} ${e.attributes.type} ${e.target}`)).toEqual([
      'pkg:npm/a@1.0.0 RESOLVES_TO pkg:npm/b@1.0.0',
      'npm:alice MAINTAINS pkg:npm/a@1.0.0',
      'npm:alice MAINTAINS pkg:npm/b@1.0.0',
    ]);
  });
});

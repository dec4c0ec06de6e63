/** `/api/graph`'s compact format (shared/graph-wire.ts): the graphology answer, given back exactly. */
import { describe, expect, it } from 'vitest';
import { graphView } from '../../server/graph-view.js';
import { compactGraph, expandGraph } from '../../shared/graph-wire.js';
import type { CompactGraph } from '../../shared/wire-types.js';
import { emptyTrustGraph } from '../../trust/load.js';

/** A root resolving to two children that share a maintainer; one child is scoped. */
function view() {
  const graph = emptyTrustGraph();
  const root = 'pkg:npm/a@1.0.0';
  for (const [version, pkg] of [
    [root, 'pkg:npm/a'],
    ['pkg:npm/b@2.0.0', 'pkg:npm/b'],
    ['pkg:npm/%40s/c@3.0.0', 'pkg:npm/%40s/c'],
  ] as const) {
    graph.packageOf.set(version, pkg);
    graph.maintainers.set(pkg, ['npm:alice']);
    graph.hostedAt.set(pkg, `github:o/${pkg.length}`);
    if (version !== root)
      graph.resolves.set(`${root} ${version}`, {
        from: root,
        to: version,
        ranges: new Set(),
        roots: new Set([root]),
      });
  }
  graph.inScope.push({ pkg: 'pkg:npm/%40s/c', org: 'npm-org:s' });
  return graphView(graph, root, {
    depth: 5,
    layers: ['deps', 'people', 'repos', 'orgs'],
    limit: 100,
  });
}

describe("/api/graph's compact format", () => {
  it('gives back the graphology answer exactly, every edge in order', () => {
    const graph = view();
    const compact = compactGraph(graph);
    expect(compact.edges).toHaveLength(3 * graph.edges.length);
    expect(new Set(compact.edgeTypes)).toEqual(new Set(graph.edges.map((e) => e.attributes.type)));
    // Through JSON, as the explorer gets it.
    const expanded = expandGraph(JSON.parse(JSON.stringify(compact)) as CompactGraph);
    expect(expanded).toEqual(JSON.parse(JSON.stringify(graph)));
    expect(expanded.edges.map((e) => e.attributes.type)).toEqual(
      expect.arrayContaining(['RESOLVES_TO', 'MAINTAINS', 'HOSTED_AT', 'IN_SCOPE']),
    );
  });

  it('says what is wrong with an answer whose numbers name nothing', () => {
    const compact = compactGraph(view());
    const nodes = compact.nodes.length;
    const broken = (edges: number[]): CompactGraph => ({ ...compact, edges });
    expect(() => expandGraph(broken([0, nodes, 0]))).toThrow(
      `edge 0 names node ${nodes}, of ${nodes}`,
    );
    expect(() => expandGraph(broken([0, 1, 0, 1, 0, 9]))).toThrow('edge 1 names edge type 9');
    expect(() => expandGraph(broken([0, 1.5, 0]))).toThrow('edge 0 names node 1.5');
    expect(() => expandGraph(broken([0, 1]))).toThrow('2 edge numbers, not three per edge');
    expect(() => expandGraph({ ...compact, edgeTypes: [7] as unknown as string[] })).toThrow(
      'an edge type is not a string',
    );
    const graphology = JSON.parse(JSON.stringify(view())) as unknown as CompactGraph;
    expect(() => expandGraph(graphology)).toThrow('not in the compact format');
  });

  it('refuses a view with an edge to a node it does not hold, or with an edge key', () => {
    const graph = view();
    graph.edges.push({
      source: 'pkg:npm/a@1.0.0',
      target: 'npm:nobody',
      attributes: { type: 'X' },
    });
    expect(() => compactGraph(graph)).toThrow('pkg:npm/a@1.0.0 -> npm:nobody');
    const keyed = view();
    keyed.edges[0] = { ...(keyed.edges[0] as (typeof keyed.edges)[number]), key: 'rel:1' };
    expect(() => compactGraph(keyed)).toThrow("a view's edge has a key (rel:1)");
  });
});

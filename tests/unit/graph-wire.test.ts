/**
 * `/api/graph`'s compact format, as the view is made (server/graph-view.ts), and the graphology
 * answer `expandGraph` gives from it (shared/graph-wire.ts).
 */
import { describe, expect, it } from 'vitest';
import { viewLayers, viewVersions } from '../../server/graph-view.js';
import { expandGraph } from '../../shared/graph-wire.js';
import type { CompactGraph } from '../../shared/wire-types.js';
import { emptyTrustGraph } from '../../trust/load.js';

/** A root resolving to two children that share a maintainer; one child is scoped. */
function view(limit = 100) {
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
  const options = { depth: 5, layers: ['deps', 'people', 'repos', 'orgs'] as const, limit };
  return viewLayers(graph, viewVersions(graph, root, options), options);
}

describe("/api/graph's compact format", () => {
  it('gives the graphology answer, every edge in order, through JSON as the explorer gets it', () => {
    const compact = view();
    const expanded = expandGraph(JSON.parse(JSON.stringify(compact)) as CompactGraph);
    expect(expanded.nodes).toEqual(compact.nodes);
    expect(expanded.nodes.map((n) => n.key)).toEqual([
      'pkg:npm/a@1.0.0',
      'pkg:npm/%40s/c@3.0.0',
      'pkg:npm/b@2.0.0',
      'npm:alice',
      'github:o/9',
      'github:o/14',
      'npm-org:s',
    ]);
    expect(expanded.edges.map((e) => [e.source, e.target, e.attributes.type])).toEqual([
      ['pkg:npm/a@1.0.0', 'pkg:npm/%40s/c@3.0.0', 'RESOLVES_TO'],
      ['pkg:npm/a@1.0.0', 'pkg:npm/b@2.0.0', 'RESOLVES_TO'],
      ['npm:alice', 'pkg:npm/a@1.0.0', 'MAINTAINS'],
      ['pkg:npm/a@1.0.0', 'github:o/9', 'HOSTED_AT'],
      ['npm:alice', 'pkg:npm/%40s/c@3.0.0', 'MAINTAINS'],
      ['pkg:npm/%40s/c@3.0.0', 'github:o/14', 'HOSTED_AT'],
      ['pkg:npm/%40s/c@3.0.0', 'npm-org:s', 'IN_SCOPE'],
      ['npm:alice', 'pkg:npm/b@2.0.0', 'MAINTAINS'],
      ['pkg:npm/b@2.0.0', 'github:o/9', 'HOSTED_AT'],
    ]);
    // Each type named once, and each edge an object of its own with no key.
    expect(compact.edgeTypes).toEqual(['RESOLVES_TO', 'MAINTAINS', 'HOSTED_AT', 'IN_SCOPE']);
    expect(expanded.edges[0]).toEqual({
      source: 'pkg:npm/a@1.0.0',
      target: 'pkg:npm/%40s/c@3.0.0',
      attributes: { type: 'RESOLVES_TO' },
    });
    expect(expanded.edges[0]?.attributes).not.toBe(expanded.edges[1]?.attributes);
  });

  it('says what is wrong with an answer whose numbers name nothing', () => {
    const compact = view();
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
    const graphology = JSON.parse(JSON.stringify(expandGraph(view()))) as unknown as CompactGraph;
    expect(() => expandGraph(graphology)).toThrow('not in the compact format');
  });

  it('joins only the nodes a view cut at its limit holds', () => {
    for (const limit of [1, 2, 4, 6]) {
      const compact = view(limit);
      expect(compact.nodes).toHaveLength(limit);
      expect(compact.attributes.truncated).toBe(true);
      expect(Math.max(-1, ...compact.edges.filter((_, i) => i % 3 !== 2))).toBeLessThan(limit);
      const expanded = expandGraph(compact);
      const keys = new Set(compact.nodes.map((n) => n.key));
      for (const edge of expanded.edges) {
        expect(keys.has(edge.source) && keys.has(edge.target)).toBe(true);
      }
    }
    expect(view(7).attributes.truncated).toBe(false);
  });
});

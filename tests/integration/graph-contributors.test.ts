/**
 * The explorer's graph with the contributors layer, over real HTTP, on the yargs fixture graph
 * whose cliui repository was read from a git history (tests/helpers/explorer-fixture.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailHash } from '../../ingest/identity.js';
import { graphView, TOP_CONTRIBUTORS } from '../../server/graph-view.js';
import { loadTrustGraph } from '../../trust/load.js';
import {
  CLIUI_AUTHORS,
  startExplorerFixture,
  type ExplorerFixture,
} from '../helpers/explorer-fixture.js';

let fixture: ExplorerFixture;
beforeAll(async () => {
  fixture = await startExplorerFixture();
}, 120_000);
afterAll(async () => {
  await fixture.close();
});

interface Graph {
  nodes: { key: string; attributes: { label: string; kind: string } }[];
  edges: { source: string; target: string; attributes: { type: string } }[];
}

async function graph(layers: string): Promise<Graph> {
  const response = await fetch(
    `${fixture.url}/api/graph?root=${encodeURIComponent('pkg:npm/yargs@16.1.0')}&layers=${layers}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Graph;
}

describe('the contributors layer', () => {
  it("adds each shown repository's contributors by commits, named, with their edges", async () => {
    const without = await graph('deps,people,repos,orgs');
    expect(without.edges.some((e) => e.attributes.type === 'CONTRIBUTES_TO')).toBe(false);

    const withContributors = await graph('deps,people,repos,orgs,contributors');
    const contributions = withContributors.edges.filter(
      (e) => e.attributes.type === 'CONTRIBUTES_TO',
    );
    const people = [...new Set(CLIUI_AUTHORS.map((a) => a.email))].map(
      (email) => `person:git:${emailHash(email)}`,
    );
    expect(contributions.map((e) => [e.source, e.target]).sort()).toEqual(
      people.map((p) => [p, 'repo:github.com/yargs/cliui']).sort(),
    );
    const labels = withContributors.nodes
      .filter((n) => people.includes(n.key))
      .map((n) => [n.attributes.label, n.attributes.kind]);
    expect(labels.sort()).toEqual([
      ['A Contributor', 'person'],
      ['Benjamin E. Coe', 'person'],
    ]);
    // Without the repositories in view there is nothing for contributors to hang off.
    const noRepos = await graph('deps,contributors');
    expect(noRepos.edges.some((e) => e.attributes.type === 'CONTRIBUTES_TO')).toBe(false);
  });

  it('shows at most five per repository, the ones with the most commits', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      from: `person:github:dev${String(i)}`,
      to: 'repo:github.com/yargs/cliui',
      props: { commits: 10 + i },
    }));
    await fixture.store.upsertRelationships('CONTRIBUTES_TO', many);
    const view = graphView(await loadTrustGraph(fixture.store), 'pkg:npm/yargs@16.1.0', {
      depth: 20,
      layers: ['deps', 'repos', 'contributors'],
      limit: 5000,
    });
    const shown = view.edges
      .filter((e) => e.attributes.type === 'CONTRIBUTES_TO')
      .map((e) => e.source)
      .sort();
    expect(TOP_CONTRIBUTORS).toBe(5);
    expect(shown).toEqual(
      ['dev3', 'dev4', 'dev5', 'dev6', 'dev7'].map((d) => `person:github:${d}`),
    );
    expect(view.nodes.find((n) => n.key === 'person:github:dev7')?.attributes.label).toBe('dev7');
  });
});

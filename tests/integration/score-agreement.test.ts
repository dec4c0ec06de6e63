/**
 * Stored scores are the one source (issue 12): after `trustmap score` with anchors other than the
 * defaults, the CLI's chokepoints, the API's chokepoints, the node details and the graph the
 * explorer colours all show the same numbers, computed with those anchors, and say which anchors
 * they were. Before anything is scored, the views say so instead of computing scores of their own.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { ChokepointsAnswer, SerializedGraph, WhatIfAnswer } from '../../shared/wire-types.js';
import { withApi as serveApi } from '../helpers/api-server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

/** An organisation of the fixture closure (a repository owner) that trust/anchors.json does not list. */
const anchor = 'org:github:sindresorhus';

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };

function trustmap(args: string[]): Promise<CliResult> {
  return runCli(args, work.dir, { NPM_REGISTRY: registry.url });
}

/** Opens the CLI's store in this process, serves the API over it on loopback, and closes both. */
async function withApi<T>(use: (base: string) => Promise<T>): Promise<T> {
  const store = await EmbeddedStore.open(path.join(work.dir, '.trustmap', 'graph.grafeo'));
  try {
    return await serveApi(store, { npmRegistry: registry.url, cwd: work.dir }, use);
  } finally {
    await store.close();
  }
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

beforeAll(async () => {
  registry = await startFixtureRegistry();
  work = tempDir('trustmap-score-agreement-');
  const ingested = await trustmap(['ingest', 'npm:yargs@16.1.0', 'npm:rimraf@3.0.2', '--no-repos']);
  expect(ingested.code).toBe(0);
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('stored scores, one source', () => {
  it('before any scoring run, the views say nothing is scored yet', async () => {
    const cli = await trustmap(['chokepoints', '--root', 'npm:yargs', '--json']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/nothing is scored yet.*trustmap score/);
    await withApi(async (base) => {
      for (const url of [
        `${base}/api/chokepoints?root=npm:yargs`,
        `${base}/api/whatif?person=person:npm:isaacs`,
      ]) {
        const { status, body: raw } = await get(url);
        const body = raw as { error: { code: string; message: string } };
        expect(status, url).toBe(404);
        expect(body.error.code).toBe('NOT_FOUND');
        expect(body.error.message).toMatch(/nothing is scored yet/);
      }
    });
  });

  it('after scoring with non-default anchors, the CLI, the API, the details and the graph agree', async () => {
    const scored = await trustmap(['score', '--anchor', anchor, '--json']);
    expect(scored.code).toBe(0);
    expect(JSON.parse(scored.stdout)).toMatchObject({ anchors: { used: [anchor] } });

    const cli = await trustmap(['chokepoints', '--root', 'npm:yargs', '--limit', '100', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as ChokepointsAnswer;
    expect(fromCli.chokepoints.length).toBeGreaterThan(3);
    expect(fromCli.scoring.anchors).toEqual([anchor]);
    // Asking for other anchors than the stored run's is refused, not quietly recomputed.
    const other = await trustmap(['chokepoints', '--anchor', 'org:github:yargs', '--json']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(anchor);

    await withApi(async (base) => {
      const api = await get(`${base}/api/chokepoints?root=npm:yargs&limit=100`);
      expect(api.status).toBe(200);
      expect(api.body).toEqual(fromCli);

      const graph = (await get(`${base}/api/graph?root=npm:yargs`)).body as SerializedGraph;
      const drawn = new Map(graph.nodes.map((n) => [n.key, n.attributes]));
      for (const row of fromCli.chokepoints) {
        // The colour the explorer draws comes from the same trust, and the same reach.
        const attributes = drawn.get(row.key);
        expect(attributes, row.key).toBeDefined();
        expect(round3(Number(attributes?.trust)), row.key).toBe(row.trust);
        expect(attributes?.reach, row.key).toBe(row.reach);

        const details = (await get(`${base}/api/nodes/${encodeURIComponent(row.key)}`)).body as {
          properties: Record<string, unknown>;
          explanation: {
            anchors: string[];
            chokepoint: { maintainers: string[]; busFactorSource: string };
          };
        };
        const p = details.properties;
        expect(round3(Number(p.trust)), row.key).toBe(row.trust);
        expect(round3(Number(p.ownTrust)), row.key).toBe(row.ownTrust);
        expect(round3(Number(p.fragility)), row.key).toBe(row.fragility);
        expect(p.reach, row.key).toBe(row.reach);
        expect(p.busFactor, row.key).toBe(row.busFactor);
        expect(details.explanation.anchors).toEqual([anchor]);
        expect(details.explanation.chokepoint.maintainers).toEqual(row.maintainers);
        expect(details.explanation.chokepoint.busFactorSource).toBe(row.busFactorSource);
      }

      const whatif = await get(`${base}/api/whatif?person=person:npm:isaacs&root=npm:rimraf`);
      expect(whatif.status).toBe(200);
      const report = whatif.body as WhatIfAnswer;
      expect(report.scoring).toEqual(fromCli.scoring);
      expect(report.reached.map((r) => r.key)).toContain('pkg:npm/rimraf@3.0.2');
    });
  });
});

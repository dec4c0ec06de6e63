/**
 * An ingest started through the API runs the CLI's pipeline under the server's configuration:
 * with TRUSTMAP_API_REPOS and TRUSTMAP_API_ADVISORIES on, `POST /api/ingest` reads the closure's
 * repositories (git history from a local mirror) and asks OSV (a local fixture server) exactly as
 * `trustmap ingest --advisories` then `trustmap score` do: the two stores hold the same graph. With
 * the defaults, a visitor's ingest clones nothing and tells OSV nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { runCli, serveCli } from '../helpers/cli.js';
import { startFixtureOsv, type FixtureOsv } from '../helpers/fixture-osv.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { makeBareRepository } from '../helpers/git-repo.js';
import { graphSnapshot } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';

const SPECS = ['npm:is-number@4.0.0', 'npm:ansi-regex@5.0.0'];

let registry: FixtureRegistry;
let osv: FixtureOsv;
let temp: { dir: string; cleanup: () => void };
let mirror: string;

beforeAll(async () => {
  registry = await startFixtureRegistry();
  osv = await startFixtureOsv();
  temp = tempDir('trustmap-api-pipeline-');
  mirror = path.join(temp.dir, 'mirror');
  // is-number's repository is mirrored; ansi-regex's is not, so its clone fails the same way twice.
  makeBareRepository(path.join(mirror, 'jonschlinkert', 'is-number.git'), [
    {
      name: 'Jon Schlinkert',
      email: 'github@sellside.com',
      date: '2026-01-01T10:00:00Z',
      tag: '4.0.0',
    },
    { name: 'Brian Woodward', email: 'brian.woodward@gmail.com', date: '2026-03-01T10:00:00Z' },
  ]);
});
afterAll(async () => {
  await registry.close();
  await osv.close();
  temp.cleanup();
});

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  NPM_REGISTRY: registry.url,
  OSV_URL: osv.url,
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: `url.file://${mirror}/.insteadOf`,
  GIT_CONFIG_VALUE_0: 'https://github.com/',
  ...extra,
});

interface Done {
  resolved: string[];
  repositories?: Record<string, unknown>;
  advisories?: Record<string, unknown>;
  scored: string;
}

/** `trustmap serve` on a free loopback port, one ingest posted to it and followed to its end. */
async function ingestThroughApi(work: string, extra: Record<string, string>): Promise<Done> {
  const server = await serveCli(work, env(extra));
  const { base } = server;
  try {
    const started = await fetch(`${base}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ specs: SPECS }),
    });
    expect(started.status).toBe(202);
    const { events } = (await started.json()) as { events: string };
    const text = await (await fetch(`${base}${events}`)).text();
    const last = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].at(-1);
    expect(last?.[1]).toBe('done');
    return JSON.parse(last?.[2] ?? 'null') as Done;
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

async function snapshot(work: string): Promise<{ nodes: unknown[]; relationships: unknown[] }> {
  const store = await EmbeddedStore.open(path.join(work, '.trustmap', 'graph.grafeo'));
  try {
    const graph = await graphSnapshot(store);
    // What two runs differ in by nature: when they read a history and when they scored (the
    // run's instant, also in each explanation as `asOf`; numbers are compared within 1e-6 by
    // `expectSameGraph`, as people's tenure grows with the instant).
    const strip = (rows: unknown[]): unknown[] =>
      rows.map((row) => {
        const { p, ...rest } = row as { p: Record<string, unknown> };
        const explanation =
          typeof p.explanation === 'string'
            ? { explanation: without(JSON.parse(p.explanation) as Record<string, unknown>, 'asOf') }
            : {};
        return { ...rest, p: { ...without(p, 'scoredAt', 'historyReadAt'), ...explanation } };
      });
    return { nodes: strip(graph.nodes), relationships: strip(graph.relationships) };
  } finally {
    await store.close();
  }
}

/**
 * The two graphs are equal, numbers within 1e-6 (the explanations' are rounded to 1e-4 there,
 * so within 2e-4): the same nodes, edges and properties, in the same order.
 */
function expectSameGraph(actual: unknown, expected: unknown, where = 'graph'): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      where.includes('explanation') ? 2e-4 : 1e-6,
    );
    return;
  }
  if (
    typeof actual !== 'object' ||
    actual === null ||
    typeof expected !== 'object' ||
    expected === null
  ) {
    expect(actual, where).toEqual(expected);
    return;
  }
  const keys = Object.keys(expected);
  expect(Object.keys(actual), where).toEqual(keys);
  for (const k of keys)
    expectSameGraph(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      `${where}.${k}`,
    );
}

function without(record: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !names.includes(key)));
}

const withoutTime = (summary: Record<string, unknown> | undefined): Record<string, unknown> =>
  without(summary ?? {}, 'elapsedMs');

describe('an ingest through the API', () => {
  it('reads repositories and advisories exactly as the CLI does under the same settings', async () => {
    const cli = tempDir('trustmap-api-pipeline-cli-');
    const api = tempDir('trustmap-api-pipeline-api-');
    try {
      const ingested = await runCli(['ingest', ...SPECS, '--advisories', '--json'], cli.dir, env());
      expect(ingested.code).toBe(0);
      const bySpec = JSON.parse(ingested.stdout) as Done;
      expect((await runCli(['score'], cli.dir, env())).code).toBe(0);
      const osvBatches = osv.batches.length;

      const done = await ingestThroughApi(api.dir, {
        TRUSTMAP_API_REPOS: 'on',
        TRUSTMAP_API_ADVISORIES: 'on',
      });

      expect(done.resolved).toEqual(bySpec.resolved);
      expect(withoutTime(done.repositories)).toEqual(withoutTime(bySpec.repositories));
      expect(done.repositories).toMatchObject({ repositories: 2, read: 1, contributors: 2 });
      expect(withoutTime(done.advisories)).toEqual(withoutTime(bySpec.advisories));
      expect(done.advisories).toMatchObject({ advisories: 1, affected: 4 });
      expect(osv.batches.length).toBeGreaterThan(osvBatches);
      expectSameGraph(await snapshot(api.dir), await snapshot(cli.dir));
    } finally {
      cli.cleanup();
      api.cleanup();
    }
  });

  it('by default (a shared server) clones no repository and tells OSV nothing', async () => {
    const api = tempDir('trustmap-api-pipeline-default-');
    try {
      const osvBatches = osv.batches.length;
      const done = await ingestThroughApi(api.dir, {});
      expect(done.resolved).toContain('pkg:npm/is-number@4.0.0');
      expect(done).not.toHaveProperty('repositories');
      expect(done).not.toHaveProperty('advisories');
      expect(osv.batches.length).toBe(osvBatches);
      expect(fs.existsSync(path.join(api.dir, '.trustmap', 'git'))).toBe(false);
    } finally {
      api.cleanup();
    }
  });
});

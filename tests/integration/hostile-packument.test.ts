/**
 * Issue 11, "any single document fails alone": a packument whose `repository` is `"github:x"`
 * (hosted-git-info reads it as a GitHub shortcut with no owner) stopped the whole run with
 * "unexpected error". Through the built CLI and through the API, with a second package whose
 * document is not a packument in the same run: that one is listed as failed, and every other
 * package is in the graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { listenApi } from '../helpers/api-server.js';
import { runCli } from '../helpers/cli.js';
import {
  PACKUMENTS,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

const CHALK_CLOSURE = [
  'pkg:npm/ansi-styles@4.3.0',
  'pkg:npm/chalk@4.1.0',
  'pkg:npm/color-convert@2.0.1',
  'pkg:npm/color-name@1.1.4',
  'pkg:npm/supports-color@7.2.0',
];

interface Summary {
  resolved: string[];
  failures: { name: string; code: string; reason: string }[];
}

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };

beforeAll(async () => {
  registry = await startFixtureRegistry();
  work = tempDir('trustmap-hostile-');
  // The real supports-color packument, its repository fields (top level and every version's)
  // replaced with the shortcut that has no owner.
  const supports = JSON.parse(
    fs.readFileSync(path.join(PACKUMENTS, 'supports-color.json'), 'utf8'),
  ) as { repository: unknown; versions: Record<string, { repository?: unknown }> };
  supports.repository = 'github:x';
  for (const manifest of Object.values(supports.versions)) manifest.repository = 'github:x';
  registry.overrides.set('supports-color', supports);
  // has-flag's document is JSON but no packument: that package, and only it, fails.
  registry.overrides.set('has-flag', { name: 'has-flag', versions: 'lots' });
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('a packument with repository "github:x"', () => {
  it('trustmap ingest goes on: exit 1 listing the one bad package, every other one in the graph', async () => {
    const env = { NPM_REGISTRY: registry.url };
    const result = await runCli(
      ['ingest', 'npm:chalk@4.1.0', '--json', '--no-repos'],
      work.dir,
      env,
    );
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.resolved).toEqual(CHALK_CLOSURE);
    expect(summary.failures).toEqual([
      expect.objectContaining({ name: 'has-flag', code: 'PACKAGE_INVALID' }),
    ]);

    // supports-color is in the graph, without a repository link (github:x names none); chalk
    // keeps its own.
    const hosted = await runCli(
      [
        'query',
        "MATCH (p:Package) WHERE p.key IN ['pkg:npm/supports-color', 'pkg:npm/chalk'] OPTIONAL MATCH (p)-[:HOSTED_AT]->(r:Repository) RETURN p.key AS package, r.key AS repository ORDER BY package",
        '--format',
        'json',
      ],
      work.dir,
      env,
    );
    expect(hosted.code).toBe(0);
    expect((JSON.parse(hosted.stdout) as { rows: unknown }).rows).toEqual([
      { package: 'pkg:npm/chalk', repository: 'repo:github.com/chalk/chalk' },
      { package: 'pkg:npm/supports-color', repository: null },
    ]);
  });

  it('an API ingest ends with its summary (not INTERNAL), the bad package listed', async () => {
    const temp = tempDir();
    const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    const api = await listenApi(store, {
      npmRegistry: registry.url,
      pypiUrl: 'http://127.0.0.1:9',
    });
    try {
      const { base } = api;
      const started = await fetch(`${base}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ specs: ['npm:chalk@4.1.0'] }),
      });
      expect(started.status).toBe(202);
      const { events } = (await started.json()) as { events: string };
      const stream = await (await fetch(`${base}${events}`)).text();
      const last = [...stream.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].at(-1);
      expect(last?.[1]).toBe('done');
      const summary = JSON.parse(last?.[2] ?? 'null') as Summary;
      expect(summary.resolved).toEqual(CHALK_CLOSURE);
      expect(summary.failures.map((f) => [f.name, f.code])).toEqual([
        ['has-flag', 'PACKAGE_INVALID'],
      ]);
    } finally {
      await api.close();
      await store.close();
      temp.cleanup();
    }
  });
});

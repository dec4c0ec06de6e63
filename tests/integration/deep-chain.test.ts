/**
 * Bounded answers (issue 11) on a generated 5,000-deep dependency chain in a real embedded store,
 * over real HTTP: the what-if of the deepest maintainer (who reaches every version), the
 * chokepoints, and every saved investigation each stay under 1 MB, in time, and say when they
 * were cut. Unbounded, the what-if alone was hundreds of megabytes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { listInvestigations } from '../../graph/investigations.js';
import { silentLogger } from '../../core/log.js';
import { createApp } from '../../server/app.js';
import type { ChokepointsAnswer, WhatIfAnswer } from '../../shared/wire-types.js';
import { writeScoredDeepChain, type DeepChain } from '../helpers/deep-chain.js';
import { tempDir } from '../helpers/temp.js';

const DEPTH = 5000;
const MB = 1_000_000;
const TIMEOUT_MS = 10_000;

let store: EmbeddedStore;
let temp: { dir: string; cleanup: () => void };
let server: Server;
let base: string;
let chain: DeepChain;

beforeAll(async () => {
  temp = tempDir('trustmap-deep-chain-');
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  chain = await writeScoredDeepChain(store, DEPTH);
  const app = createApp({
    store,
    config: {
      token: undefined,
      queryRowLimit: 10_000,
      queryTimeoutMs: TIMEOUT_MS,
      npmRegistry: 'http://127.0.0.1:9/',
    },
    logger: silentLogger,
    cwd: temp.dir,
    version: '0.0.0-test',
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  temp.cleanup();
});

/** The answer's status, size in bytes as it came over the wire, and JSON body. */
async function ask(
  url: string,
  body?: unknown,
): Promise<{ status: number; bytes: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${url}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    bytes: raw.length,
    json: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
  };
}

describe('answers on a 5,000-deep chain', () => {
  it('what-if from the root with a large limit: under 1 MB, one cut path per version, and says so', async () => {
    const { status, bytes, json } = await ask(
      `/api/whatif?person=${encodeURIComponent(chain.deepest)}&root=${encodeURIComponent(chain.root)}&limit=10000`,
    );
    expect(status).toBe(200);
    expect(bytes).toBeLessThan(MB);
    const answer = json as unknown as WhatIfAnswer;
    expect(answer.reaches).toBe(DEPTH);
    expect(answer.truncated).toBe(true);
    expect(answer.reached.length).toBeGreaterThan(0);
    expect(answer.reached.length).toBeLessThan(DEPTH);
    const hops = answer.limits.pathHops;
    for (const r of answer.reached) {
      const depth = chain.versions.indexOf(r.key);
      expect(r.hops, r.key).toBe(depth);
      expect(r.path[0]).toBe(chain.root);
      expect(r.path.length).toBe(Math.min(depth, hops) + 1);
      expect(r.pathTruncated).toBe(depth > hops);
    }
    expect(answer.reached.some((r) => r.pathTruncated)).toBe(true);
  });

  it('what-if without a root: paths from the version the person publishes', async () => {
    const { status, bytes, json } = await ask(
      `/api/whatif?person=${encodeURIComponent(chain.deepest)}&limit=10000`,
    );
    expect(status).toBe(200);
    expect(bytes).toBeLessThan(MB);
    const answer = json as unknown as WhatIfAnswer;
    expect(answer.publishesInto).toEqual([chain.versions.at(-1)]);
    expect(answer.truncated).toBe(true);
    for (const r of answer.reached) {
      expect(r.path[0]).toBe(chain.versions.at(-1));
      expect(r.hops).toBe(DEPTH - 1 - chain.versions.indexOf(r.key));
      expect(r.path.length).toBeLessThanOrEqual(answer.limits.pathHops + 1);
    }
  });

  it('chokepoints with a large limit, with and without a root: under 1 MB and says so', async () => {
    for (const url of [
      `/api/chokepoints?root=${encodeURIComponent(chain.root)}&limit=1000`,
      '/api/chokepoints?limit=1000',
    ]) {
      const { status, bytes, json } = await ask(url);
      expect(status, url).toBe(200);
      expect(bytes, url).toBeLessThan(MB);
      const answer = json as unknown as ChokepointsAnswer;
      // Every version but the last has dependents.
      expect(answer.total, url).toBe(DEPTH - 1);
      expect(answer.chokepoints.length, url).toBeGreaterThan(0);
      expect(answer.chokepoints.length, url).toBeLessThanOrEqual(1000);
      expect(answer.truncated, url).toBe(true);
      for (const row of answer.chokepoints) {
        expect(row.path.length).toBeLessThanOrEqual(answer.limits.pathHops + 1);
        expect(row.pathTruncated).toBe(row.hops > answer.limits.pathHops);
      }
    }
  });

  it('runs every saved investigation within the time limit, under 1 MB, saying when it was cut', async () => {
    const values: Record<string, string | number> = {
      root: chain.root,
      package: `pkg:npm/chain-${DEPTH / 2}`,
      limit: 1_000_000,
    };
    const answers = new Map<string, Record<string, unknown>>();
    for (const investigation of listInvestigations()) {
      const params = Object.fromEntries(
        investigation.params.map((p) => [p.name, values[p.name] ?? p.example]),
      );
      const { status, bytes, json } = await ask(`/api/investigations/${investigation.name}`, {
        params,
      });
      expect(status, `${investigation.name}: ${JSON.stringify(json).slice(0, 200)}`).toBe(200);
      expect(bytes, investigation.name).toBeLessThan(MB);
      answers.set(investigation.name, json);
    }
    // The whole closure is counted, however deep.
    const share = answers.get('maintainers-of-root') as { rows: unknown[] };
    expect(share.rows[0]).toMatchObject({ total: DEPTH, versions: 1 });
    // One row per version with dependents: more than fits, so the answer says it was cut.
    const chokepoints = answers.get('single-maintainer-chokepoints') as {
      rows: unknown[];
      truncated: boolean;
    };
    expect(chokepoints.truncated).toBe(true);
    expect(chokepoints.rows.length).toBeGreaterThan(0);
    expect(chokepoints.rows.length).toBeLessThan(DEPTH - 1);
    // Paths to unprovenanced single-maintainer versions: shortest, nearest first, within the bound.
    const paths = answers.get('paths-to-unprovenanced-single-maintainer') as {
      rows: { version: string; hops: number; path: string[] }[];
    };
    expect(paths.rows.length).toBe(50);
    paths.rows.forEach((row, i) => {
      expect(row.hops).toBe(i + 1);
      expect(row.version).toBe(chain.versions[i + 1]);
      expect(row.path).toEqual(chain.versions.slice(0, i + 2));
    });
  });
});

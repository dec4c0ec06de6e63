/**
 * Bodies cut short are transient: `ingest` through a proxy that sends some packuments' first
 * answers as a 200 with half the body, no Content-Length and a destroyed socket builds the same
 * graph as a clean run. A complete body that is not JSON still fails for good.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { ingest, type IngestSummary } from '../../ingest/run-ingest.js';
import { GitHubClient } from '../../ingest/sources/github/github-client.js';
import { RegistryClient } from '../../ingest/sources/npm/registry-client.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy.js';
import {
  FIXTURES,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { graphSnapshot } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let proxy: CuttingProxy;
let temp: { dir: string; cleanup: () => void };

beforeEach(async () => {
  registry = await startFixtureRegistry();
  proxy = await startCuttingProxy(registry.url);
  temp = tempDir();
});
afterEach(async () => {
  await proxy.close();
  await registry.close();
  temp.cleanup();
});

/** Ingests yargs 16.1.0 through `url` into a new store; its summary and graph. */
async function ingestYargs(url: string, file: string) {
  const store = await EmbeddedStore.open(path.join(temp.dir, file));
  try {
    const summary: IngestSummary = await ingest({
      roots: [parseRootSpec('npm:yargs@16.1.0', process.cwd())],
      store,
      registry: url,
      concurrency: 4,
      client: { timeoutMs: 5000, backoffMs: 10, retries: 3 },
    });
    return { summary, graph: await graphSnapshot(store) };
  } finally {
    await store.close();
  }
}

describe('bodies cut short', () => {
  it('are retried, and the graph equals a clean run', async () => {
    const clean = await ingestYargs(registry.url, 'clean.grafeo');
    expect(clean.summary.failures).toEqual([]);

    proxy.cuts.set('yargs', ['chunked']);
    proxy.cuts.set('cliui', ['close', 'chunked']);
    proxy.cuts.set('y18n', ['close']);
    proxy.cuts.set('color-name', ['chunked']);
    const cut = await ingestYargs(proxy.url, 'cut.grafeo');

    expect(Object.fromEntries(proxy.cut)).toEqual({ yargs: 1, cliui: 2, y18n: 1, 'color-name': 1 });
    expect(cut.summary.failures).toEqual([]);
    expect(cut.summary.resolved).toEqual(clean.summary.resolved);
    expect(cut.graph).toEqual(clean.graph);
  });

  it('give up as a retriable registry failure when every attempt is cut', async () => {
    proxy.cuts.set('chalk', ['chunked', 'close', 'chunked']);
    const client = new RegistryClient({ registry: proxy.url, retries: 2, backoffMs: 5 });
    await expect(client.packument('chalk')).rejects.toMatchObject({
      name: 'RegistryError',
      code: 'REGISTRY_FAILED',
      retriable: true,
      cause: { name: 'TruncatedBodyError', retriable: true },
    });
    expect(proxy.cut.get('chalk')).toBe(3);
  });

  it('are told apart from a complete body that is not JSON, which is not retried', async () => {
    registry.faults.set('chalk', ['not-json']);
    registry.requests.clear();
    const client = new RegistryClient({ registry: proxy.url, retries: 2, backoffMs: 5 });
    await expect(client.packument('chalk')).rejects.toMatchObject({
      name: 'InvalidPackageError',
      code: 'PACKAGE_INVALID',
      retriable: false,
    });
    expect(registry.requests.get('chalk')).toBe(1);
  });

  it('are asked for again by the GitHub client too', async () => {
    const user = fs.readFileSync(path.join(FIXTURES, 'github/users/nvie.json'));
    const github = http.createServer((request, response) => {
      response.writeHead(request.url === '/users/nvie' ? 200 : 404).end(user);
    });
    await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
    const through = await startCuttingProxy(
      `http://127.0.0.1:${(github.address() as AddressInfo).port}/`,
    );
    try {
      through.cuts.set('users/nvie', ['chunked', 'close']);
      const client = new GitHubClient({ url: through.url, sleep: () => Promise.resolve() });
      expect(await client.get('/users/nvie')).toEqual(JSON.parse(user.toString('utf8')));
      expect(through.cut.get('users/nvie')).toBe(2);
      expect(client.requests).toBe(3);
    } finally {
      await through.close();
      await new Promise((resolve) => github.close(resolve));
    }
  });
});

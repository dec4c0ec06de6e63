/** The registry client against a local registry: names, caps and what each answer means. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packumentPath, RegistryClient } from '../../ingest/sources/npm/registry-client.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';

let registry: FixtureRegistry;
beforeAll(async () => {
  registry = await startFixtureRegistry();
});
afterAll(async () => {
  await registry.close();
});

describe('RegistryClient', () => {
  it('encodes scoped names as npm does and fetches them', async () => {
    expect(packumentPath('@ljharb/has-package-exports-patterns')).toBe(
      '@ljharb%2Fhas-package-exports-patterns',
    );
    const client = new RegistryClient({ registry: registry.url });
    const result = await client.packument('@ljharb/has-package-exports-patterns');
    expect(result).toMatchObject({ status: 'found', name: '@ljharb/has-package-exports-patterns' });
  });

  it('refuses a name that is not an npm name before sending anything', async () => {
    const client = new RegistryClient({ registry: registry.url });
    await expect(client.packument('../../etc/passwd')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(registry.requests.has('../../etc/passwd')).toBe(false);
  });

  it('refuses a body over the size cap, without retrying', async () => {
    const client = new RegistryClient({ registry: registry.url, maxBytes: 10_000 });
    registry.requests.clear();
    await expect(client.packument('lodash')).rejects.toMatchObject({
      name: 'InvalidPackageError',
      code: 'PACKAGE_INVALID',
    });
    expect(registry.requests.get('lodash')).toBe(1);
  });

  it('gives up after its retries with the last reason', async () => {
    const client = new RegistryClient({ registry: registry.url, retries: 2, backoffMs: 5 });
    registry.faults.set('chalk', ['server-error', 'server-error', 'server-error']);
    await expect(client.packument('chalk')).rejects.toMatchObject({
      name: 'RegistryError',
      status: 500,
      retriable: true,
    });
  });

  it('waits as long as Retry-After says', async () => {
    const client = new RegistryClient({ registry: registry.url, backoffMs: 1 });
    registry.faults.set('has-flag', ['rate-limit']);
    const started = performance.now();
    expect(await client.packument('has-flag')).toMatchObject({ status: 'found' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('accepts a compressed body whose Content-Length counts the compressed bytes', async () => {
    const { gzipSync } = await import('node:zlib');
    const http = await import('node:http');
    const body = gzipSync(JSON.stringify({ name: 'zipped', versions: {}, 'dist-tags': {} }));
    const server = http.createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(body.length),
      });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    const client = new RegistryClient({ registry: `http://127.0.0.1:${port}/`, retries: 0 });
    expect(await client.packument('zipped')).toMatchObject({
      status: 'found',
      document: { name: 'zipped' },
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches a packument once however often it is asked for', async () => {
    const client = new RegistryClient({ registry: registry.url });
    registry.requests.clear();
    await Promise.all([
      client.packument('once'),
      client.packument('once'),
      client.packument('wrappy'),
      client.packument('wrappy'),
    ]);
    expect(registry.requests.get('wrappy')).toBe(1);
    expect(registry.requests.get('once')).toBe(1);
  });
});

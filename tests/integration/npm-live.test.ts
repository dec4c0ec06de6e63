/**
 * One small package from the registry configured by NPM_REGISTRY (the public one by default): the
 * real client against the real service. Without a network the test says it skipped, and why.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { mapPackument } from '../../ingest/sources/npm/map-packument.js';
import { readPackument } from '../../ingest/sources/npm/packument.js';
import { RegistryClient } from '../../ingest/sources/npm/registry-client.js';
import { pickVersion } from '../../ingest/sources/npm/resolve.js';

describe('the configured npm registry (live)', () => {
  it('serves is-number, which maps and resolves', async (context) => {
    const { npmRegistry } = loadConfig();
    const client = new RegistryClient({ registry: npmRegistry, retries: 1, timeoutMs: 15_000 });
    let result;
    try {
      result = await client.packument('is-number');
    } catch (error) {
      console.warn(
        `\n*** live registry test SKIPPED: ${npmRegistry} is not reachable (${(error as Error).message}) ***\n`,
      );
      context.skip();
      return;
    }
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    const packument = readPackument(result.document, 'is-number');
    expect(pickVersion(packument, '^7.0.0')).toMatch(/^7\./);
    const records = mapPackument(packument);
    expect(records.nodeRows('Version').length).toBeGreaterThanOrEqual(packument.versions.size);
    // The reduced mirror has no maintainers: that must read as unknown, not as none.
    const pkg = records.nodeRows('Package')[0]?.props;
    expect(pkg?.maintainersKnown).toBe(packument.maintainers !== undefined);
  });
});

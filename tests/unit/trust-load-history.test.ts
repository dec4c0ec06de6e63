/**
 * The per-version history (maintainers, install scripts, dependencies, trusted publishing) and the
 * package's creation time, from an ingest of fixture packuments into a real embedded store, as
 * loadTrustGraph hands them to the trust engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { loadTrustGraph, type TrustGraph } from '../../trust/load.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { ingestedStore } from '../helpers/fixture-store.js';

let registry: FixtureRegistry;
let store: EmbeddedStore;
let cleanup: () => void;
let graph: TrustGraph;

beforeAll(async () => {
  registry = await startFixtureRegistry();
  // A package published by token, then through trusted publishing with a native build.
  registry.overrides.set('oidc-demo', {
    name: 'oidc-demo',
    'dist-tags': { latest: '1.1.0' },
    time: {
      created: '2025-09-01T00:00:00.000Z',
      '1.0.0': '2025-09-01T00:00:00.000Z',
      '1.1.0': '2025-10-01T00:00:00.000Z',
    },
    maintainers: [{ name: 'alice', email: 'alice@example.org' }],
    versions: {
      '1.0.0': {
        name: 'oidc-demo',
        version: '1.0.0',
        _npmUser: { name: 'alice', email: 'alice@example.org' },
        maintainers: [{ name: 'alice', email: 'alice@example.org' }],
        dependencies: { wrappy: '1' },
      },
      '1.1.0': {
        name: 'oidc-demo',
        version: '1.1.0',
        _npmUser: {
          name: 'GitHub Actions',
          email: 'npm-oidc-no-reply@github.com',
          trustedPublisher: { id: 'github', oidcConfigId: 'oidc:demo' },
        },
        maintainers: [
          { name: 'alice', email: 'alice@example.org' },
          { name: 'mallory', email: 'm@example.org' },
        ],
        gypfile: true,
        scripts: { postinstall: 'node setup.js' },
        dependencies: { wrappy: '1' },
        optionalDependencies: { 'fsevents-like': '^2' },
      },
    },
  });
  ({ store, cleanup } = await ingestedStore(
    ['npm:glob@2.0.9', 'npm:oidc-demo@1.1.0'],
    registry.url,
  ));
  graph = await loadTrustGraph(store);
});
afterAll(async () => {
  await store.close();
  await registry.close();
  cleanup();
});

describe('loadTrustGraph: history per version', () => {
  it('loads maintainers, install scripts, dependencies and trusted publishing', () => {
    expect(graph.versions.get('pkg:npm/oidc-demo@1.1.0')).toMatchObject({
      maintainers: ['person:npm:alice', 'person:npm:mallory'],
      installScripts: ['install', 'postinstall'],
      installScriptText: ['install: node-gyp rebuild', 'postinstall: node setup.js'],
      dependencies: ['fsevents-like@^2', 'wrappy@1'],
      trustedPublisher: true,
      hasInstallScripts: true,
    });
    expect(graph.versions.get('pkg:npm/oidc-demo@1.0.0')).toMatchObject({
      maintainers: ['person:npm:alice'],
      installScripts: [],
      installScriptText: [],
      dependencies: ['wrappy@1'],
      trustedPublisher: false,
    });
    // The real glob packument: a 2011 preinstall, and a version without _npmUser.
    expect(graph.versions.get('pkg:npm/glob@2.0.9')).toMatchObject({
      installScripts: ['preinstall'],
      installScriptText: ['preinstall: node-waf clean || true; node-waf configure build'],
      maintainers: ['person:npm:isaacs'],
      dependencies: [],
      trustedPublisher: false,
    });
    expect(graph.versions.get('pkg:npm/glob@3.1.10')).toMatchObject({
      trustedPublisher: undefined,
      dependencies: ['graceful-fs@~1.1.2', 'inherits@1', 'minimatch@0.2'],
    });
    // No maintainers list in glob 1.1.0's manifest: unknown, not none.
    const old = graph.versions.get('pkg:npm/glob@1.1.0');
    expect(old?.maintainers).toBeUndefined();
    expect(old && 'maintainers' in old).toBe(true);
    // The publisher stays a PUBLISHED relationship.
    expect(graph.publishers.get('pkg:npm/oidc-demo@1.0.0')).toEqual(['person:npm:alice']);
  });

  it("loads each package's creation time", () => {
    expect(graph.packages.get('pkg:npm/oidc-demo')?.createdAt).toBe('2025-09-01T00:00:00.000Z');
    expect(graph.packages.get('pkg:npm/glob')?.createdAt).toBe('2011-01-02T22:10:36.356Z');
  });
});

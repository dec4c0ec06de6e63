/**
 * The yargs fixture graph served the way `trustmap serve` serves it: the embedded store loaded from
 * the local fixture registry (plus a package whose description is an HTML injection attempt),
 * cliui's repository read from a git history the helper writes (bcoe's npm email among its
 * authors), scored, and the API with the built client on an ephemeral loopback port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { GraphStore } from '../../graph/store.js';
import { enrichRepositories } from '../../ingest/enrich-repositories.js';
import { silentLogger } from '../../core/log.js';
import { createApp } from '../../server/app.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';
import { startFixtureRegistry, type FixtureRegistry } from './fixture-registry.js';
import { makeBareRepository } from './git-repo.js';
import { ingestedStore } from './fixture-store.js';

export const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client');
export const EVIL_DESCRIPTION = '<img src=x onerror=alert(1)>';
/** The authors of cliui's history as the helper writes it (days before now). */
export const CLIUI_AUTHORS = [
  { name: 'Benjamin E. Coe', email: 'bencoe@gmail.com', daysAgo: 40 },
  { name: 'Benjamin E. Coe', email: 'bencoe@gmail.com', daysAgo: 20 },
  { name: 'A Contributor', email: 'contributor@example.org', daysAgo: 10 },
] as const;

export interface ExplorerFixture {
  url: string;
  store: GraphStore;
  registry: FixtureRegistry;
  close: () => Promise<void>;
}

export async function startExplorerFixture(
  options: {
    roots?: string[];
    clientDir?: string;
    /** TRUSTMAP_TOKEN, as a server bound off loopback has it. */
    token?: string;
  } = {},
): Promise<ExplorerFixture> {
  const registry = await startFixtureRegistry();
  registry.overrides.set('evil-description', {
    name: 'evil-description',
    description: EVIL_DESCRIPTION,
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name: 'evil-description',
        version: '1.0.0',
        description: EVIL_DESCRIPTION,
        dependencies: { cliui: '^7.0.2' },
      },
    },
  });
  const temp = await ingestedStore(
    options.roots ?? ['npm:yargs@16.1.0', 'npm:evil-description'],
    registry.url,
  );
  const store = temp.store;
  const cliui = makeBareRepository(
    path.join(temp.dir, 'repos', 'cliui.git'),
    CLIUI_AUTHORS.map((a) => ({
      name: a.name,
      email: a.email,
      date: new Date(Date.now() - a.daysAgo * 24 * 3600 * 1000).toISOString(),
    })),
  );
  await enrichRepositories({
    store,
    cacheDir: path.join(temp.dir, 'git'),
    versions: ['pkg:npm/cliui@7.0.2'],
    cloneUrl: () => `file://${cliui}`,
  });
  await writeScores(
    store,
    computeScores(await loadTrustGraph(store), { anchors: ['org:github:yargs'] }),
    new Date().toISOString(),
  );
  const app = createApp({
    store,
    config: {
      token: options.token,
      queryRowLimit: 1000,
      queryTimeoutMs: 5000,
      npmRegistry: registry.url,
    },
    logger: silentLogger,
    cwd: process.cwd(),
    version: '0.0.0-test',
    clientDir: options.clientDir ?? CLIENT_DIR,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    registry,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await registry.close();
      temp.cleanup();
    },
  };
}

/**
 * The API (and, given `clientDir`, the built explorer) served over a store on a free loopback port,
 * as `trustmap serve` builds it, with test-sized query limits unless `config` says otherwise.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../core/log.js';
import type { GraphStore } from '../../graph/store.js';
import { createApp, type AppDeps } from '../../server/app.js';

export interface TestApi {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Drops open connections (event streams too) and stops listening. */
  close: () => Promise<void>;
}

export type TestApiOptions = Partial<AppDeps['config']> &
  Partial<Pick<AppDeps, 'cwd' | 'clientDir' | 'answers'>>;

export async function listenApi(store: GraphStore, options: TestApiOptions = {}): Promise<TestApi> {
  const { cwd, clientDir, answers, ...config } = options;
  const app = createApp({
    store,
    config: {
      token: undefined,
      queryRowLimit: 100,
      queryTimeoutMs: 2000,
      npmRegistry: 'http://127.0.0.1:9/',
      ...config,
    },
    logger: silentLogger,
    cwd: cwd ?? process.cwd(),
    version: '0.0.0-test',
    clientDir,
    answers,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `use` against an API served over `store`, then stops serving (the store stays open). */
export async function withApi<T>(
  store: GraphStore,
  options: TestApiOptions,
  use: (base: string) => Promise<T>,
): Promise<T> {
  const api = await listenApi(store, options);
  try {
    return await use(api.base);
  } finally {
    await api.close();
  }
}

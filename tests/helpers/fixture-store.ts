/** Embedded stores in fresh temporary folders: empty, or with fixture roots ingested into them. */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { tempDir } from './temp.js';

/** Ingests `roots` (specs) from the registry at `registry`; close the store, then `cleanup`. */
export async function ingestedStore(
  roots: readonly string[],
  registry: string,
): Promise<{ store: EmbeddedStore; dir: string; cleanup: () => void }> {
  const temp = tempDir();
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  await ingest({ roots: roots.map((s) => parseRootSpec(s, '/')), store, registry });
  return { store, dir: temp.dir, cleanup: temp.cleanup };
}

/** An empty embedded store in a fresh temporary folder; `close` closes it and removes the folder. */
export async function tempStore(): Promise<{
  store: EmbeddedStore;
  dir: string;
  close: () => Promise<void>;
}> {
  const temp = tempDir();
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  return {
    store,
    dir: temp.dir,
    close: async () => {
      await store.close();
      temp.cleanup();
    },
  };
}

/**
 * An empty embedded store for a whole `describe`: opened before its tests, closed and removed after.
 * Call it in the describe's body; read the store through the getter once the tests run.
 */
export function useTempStore(): () => EmbeddedStore {
  let opened: Awaited<ReturnType<typeof tempStore>> | undefined;
  beforeAll(async () => {
    opened = await tempStore();
  });
  afterAll(async () => {
    await opened?.close();
  });
  return () => {
    if (opened === undefined) throw new Error('useTempStore: the store opens in beforeAll');
    return opened.store;
  };
}

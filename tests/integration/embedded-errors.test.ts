/** Errors from the embedded store's host processes arrive as the classes they were thrown as. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryError, StoreLockedError, TrustmapError } from '../../core/errors.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { tempDir } from '../helpers/temp.js';

describe('errors across the embedded store host boundary', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function opened(): Promise<{ store: EmbeddedStore; file: string }> {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'graph.grafeo');
    const store = await EmbeddedStore.open(file);
    cleanups.push(() => store.close());
    return { store, file };
  }

  it('a file held by another process is a StoreLockedError, not retriable', async () => {
    const { file } = await opened();
    const error: unknown = await EmbeddedStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect(error).toMatchObject({
      name: 'StoreLockedError',
      code: 'STORE_LOCKED',
      retriable: false,
    });
  });

  it('a query the database refuses as it runs is a QueryError from the query host', async () => {
    const { store } = await opened();
    const error: unknown = await store
      .query('RETURN 1 / 0 AS n', {}, { rowLimit: 10, timeoutMs: 10_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toBeInstanceOf(TrustmapError);
    expect(error).toMatchObject({ name: 'QueryError', code: 'QUERY_INVALID', retriable: false });
  });
});

import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { tempDir } from '../helpers/temp.js';
import { graphStoreContract } from './graph-store-contract.js';

graphStoreContract('embedded (Grafeo)', async () => {
  const { dir, cleanup } = tempDir();
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
});

/**
 * The contract suite against a real Neo4j: the one tests/helpers/neo4j.ts starts for this file
 * (or NEO4J_TEST_URI's; every test starts from an empty database, so do not point it at data you
 * want to keep). In CI it must run; elsewhere, without Java and Maven, it skips and says why.
 */
import { describe, expect, it } from 'vitest';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import { clearNeo4j, useNeo4j } from '../helpers/neo4j.js';
import { graphStoreContract } from './graph-store-contract.js';

const neo4j = useNeo4j('Neo4j contract suite', { allowExternal: true });
const skip = neo4j.skip;

if (skip !== undefined) {
  describe('GraphStore contract: neo4j', () => {
    // Only outside CI, without Java or Maven: the title is the reason and how to enable it.
    it.skip(skip, () => undefined);
  });
} else {
  graphStoreContract('neo4j', async () => {
    await clearNeo4j(neo4j.config());
    const store = await Neo4jStore.open(neo4j.config());
    return { store, cleanup: () => store.close() };
  });

  describe('Neo4j with authentication on', () => {
    it('refuses a wrong password as credentials refused, not retried', async () => {
      await expect(
        Neo4jStore.open({ ...neo4j.config(), password: 'not-the-password' }),
      ).rejects.toMatchObject({ name: 'StoreUnavailableError', retriable: false });
    });
  });
}

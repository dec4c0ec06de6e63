/**
 * The contract suite against a real Neo4j 5, when NEO4J_TEST_URI is set (with NEO4J_TEST_USER,
 * NEO4J_TEST_PASSWORD, NEO4J_TEST_DATABASE). Every test starts from an empty database: do not
 * point it at a database whose data you want to keep. Neo4j cannot run on the CI machines, so
 * there the suite is skipped and says so.
 */
import neo4j from 'neo4j-driver';
import { describe, it } from 'vitest';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import { graphStoreContract } from './graph-store-contract.js';

const uri = process.env.NEO4J_TEST_URI;

if (uri === undefined || uri === '') {
  console.warn(
    '\n*** Neo4j contract suite SKIPPED: NEO4J_TEST_URI is not set (Neo4j cannot run on this machine). ***\n' +
      '*** Run it with: NEO4J_TEST_URI=neo4j://localhost:7687 NEO4J_TEST_PASSWORD=... npm test            ***\n',
  );
  describe('GraphStore contract: neo4j', () => {
    it.skipIf(true)('skipped: NEO4J_TEST_URI is not set', () => undefined);
  });
} else {
  const config = {
    uri,
    user: process.env.NEO4J_TEST_USER ?? 'neo4j',
    password: process.env.NEO4J_TEST_PASSWORD ?? 'neo4j',
    database: process.env.NEO4J_TEST_DATABASE ?? 'neo4j',
  };
  graphStoreContract('neo4j', async () => {
    const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
    const session = driver.session({ database: config.database });
    await session.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    await session.close();
    await driver.close();
    const store = await Neo4jStore.open(config);
    return { store, cleanup: () => store.close() };
  });
}

/** Opens the store the configuration selects: Neo4j when NEO4J_URI is set, otherwise embedded. */
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { EmbeddedStore } from './embedded/embedded-store.js';
import { Neo4jStore } from './neo4j/neo4j-store.js';
import type { GraphStore } from './store.js';

export async function openStore(config: Config, logger?: Logger): Promise<GraphStore> {
  const options = {
    transactionRows: config.transactionRows,
    ...(logger === undefined ? {} : { logger }),
  };
  if (config.neo4j !== undefined) return Neo4jStore.open(config.neo4j, options);
  return EmbeddedStore.open(config.dbPath, { ...options, queryMemoryMb: config.queryMemoryMb });
}

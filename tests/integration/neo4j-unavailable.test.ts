/** The Neo4j backend against a port where nothing listens: a clear, typed error, fast. */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('Neo4jStore.open', () => {
  it('says Neo4j is unavailable when nothing answers at NEO4J_URI', async () => {
    const port = await closedPort();
    await expect(
      Neo4jStore.open({
        uri: `bolt://127.0.0.1:${port}`,
        user: 'neo4j',
        password: 'x',
        database: 'neo4j',
      }),
    ).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'STORE_UNAVAILABLE' });
  });
});

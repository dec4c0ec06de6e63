/**
 * The contract suite against a real Neo4j: the one tests/helpers/neo4j.ts starts for this file
 * (or NEO4J_TEST_URI's; every test starts from an empty database, so do not point it at data you
 * want to keep). In CI it must run; elsewhere, without Java and Maven, it skips and says why.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import type { Row } from '../../graph/store.js';
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

  describe('Neo4j behind a connection that drops', () => {
    it('reads a streamed read again when the connection drops before its first row, handing each row over once', async () => {
      await clearNeo4j(neo4j.config());
      const upstream = new URL(neo4j.config().uri);
      // A loopback proxy to Bolt that, once armed, drops the next connection to send it anything.
      let armed = false;
      let dropped = 0;
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((client) => {
        const server = net.connect(Number(upstream.port), upstream.hostname);
        sockets.add(client).add(server);
        client.on('data', (chunk: Buffer) => {
          if (armed) {
            armed = false;
            dropped++;
            client.destroy();
            server.destroy();
            return;
          }
          server.write(chunk);
        });
        server.on('data', (chunk: Buffer) => client.write(chunk));
        for (const socket of [client, server])
          socket
            .on('error', () => undefined)
            .on('close', () => {
              client.destroy();
              server.destroy();
            });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const { port } = proxy.address() as AddressInfo;
      const store = await Neo4jStore.open({
        ...neo4j.config(),
        uri: `${upstream.protocol}//127.0.0.1:${port}`,
      });
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `pkg:npm/drop-${i}@1.0.0`);
        await store.upsertNodes(
          'Version',
          keys.map((key) => ({ key, props: { version: '1.0.0' } })),
        );
        const handed: Row[] = [];
        armed = true;
        await store.readEach('graph-cut-versions', { keys }, (row) => handed.push(row));
        expect(dropped).toBe(1);
        expect(handed.map((row) => row.key)).toEqual(keys);
      } finally {
        await store.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });
  });

  describe('Neo4j with authentication on', () => {
    it('refuses a wrong password as credentials refused, not retried', async () => {
      await expect(
        Neo4jStore.open({ ...neo4j.config(), password: 'not-the-password' }),
      ).rejects.toMatchObject({ name: 'StoreUnavailableError', retriable: false });
    });
  });
}

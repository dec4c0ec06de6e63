import type { GraphStore } from '../../graph/store.js';

/** Every node and relationship with its properties, in a stable order: two equal graphs compare equal. */
export async function graphSnapshot(
  store: GraphStore,
): Promise<{ nodes: unknown[]; relationships: unknown[] }> {
  const options = { rowLimit: 100_000, timeoutMs: 30_000 };
  const nodes = await store.query(
    'MATCH (n) RETURN n.key AS key, labels(n) AS labels, properties(n) AS p ORDER BY key',
    {},
    options,
  );
  const relationships = await store.query(
    'MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p ORDER BY a, t, b, r.kind, r.root',
    {},
    options,
  );
  return { nodes: nodes.rows, relationships: relationships.rows };
}

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

/** The identity links (SAME_AS) with their evidence, in a stable order. */
export const IDENTITY_LINKS =
  'MATCH (a:Person)-[s:SAME_AS]->(b:Person) RETURN a.key AS a, b.key AS b, s.evidence AS evidence, s.confidence AS confidence ORDER BY a, b';

export async function identityLinks(store: GraphStore): Promise<Record<string, unknown>[]> {
  return (await store.query(IDENTITY_LINKS, {}, { rowLimit: 10_000, timeoutMs: 10_000 })).rows;
}

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

/**
 * Rows as text in an order of their own, keys of every object sorted: rows of two stores compare
 * equal when they hold the same values, whatever order a statement leaves them or their keys in.
 */
export function canonicalRows(rows: readonly unknown[]): string[] {
  return rows.map((row) => JSON.stringify(sortKeys(row))).sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

import { describe, expect, it } from 'vitest';
import { assertReadOnly } from '../../graph/read-only-guard.js';

/** The refusal's name and message, or undefined when the query is accepted. */
function refusal(query: string, params: Record<string, unknown> = {}): Error | undefined {
  try {
    assertReadOnly(query, params);
    return undefined;
  } catch (error) {
    expect(['ReadOnlyViolationError', 'QueryError']).toContain((error as Error).name);
    return error as Error;
  }
}

describe('assertReadOnly: Neo4j parser, clause and procedure allow-lists', () => {
  it.each([
    'CREATE (n:Package {key: "x"})',
    'MATCH (n) MERGE (m:Person {key: n.key})',
    'MATCH (n:Package) SET n.trust = 1',
    'MATCH (n) DELETE n',
    'MATCH (n) DETACH DELETE n',
    'MATCH (n) REMOVE n.trust',
    'MATCH (n) CALL { WITH n CREATE (:Evil) } RETURN n',
    'MATCH (n) CALL (n) { SET n.x = 1 } RETURN n',
    'match (n) set n.x = 1',
    'UNWIND [1] AS x FOREACH (i IN [1] | CREATE (:X))',
    'LOAD CSV FROM "file:///etc/passwd" AS line RETURN line',
    'DROP CONSTRAINT package_key',
    'CREATE INDEX x FOR (n:Package) ON (n.name)',
    'USE system SHOW USERS',
    'USE neo4j MATCH (n) RETURN n',
    'MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS',
    'CALL apoc.create.node(["X"], {}) YIELD node RETURN node',
    'CALL dbms.security.createUser("x", "y")',
    'CALL db.createLabel("X")',
    'MATCH (n) /* a comment */ SET n.x = 1',
    'INSERT (:Package {key: "x"})',
    'CALL `dbms`.`setConfigValue`("a", "b")',
    'CALL `grafeo`.`procedures`()',
    'CALL grafeo.pagerank() YIELD node_id RETURN node_id',
    'CALL `apoc.create.node`(["X"], {})',
    'SHOW SETTINGS',
    'SHOW INDEXES',
    'SHOW TRANSACTIONS YIELD *',
    'MATCH (n) RETURN n.key AS k UNION USE system SHOW USERS',
    'CALL 1',
    'EXPLAIN MATCH (n) RETURN n',
    'PROFILE MATCH (n) RETURN n',
    'MATCH (n) RETURN n; MATCH (m) DELETE m',
    'RETURN 1; RETURN 2',
    'MATCH (n) RETURN apoc.text.join([n.key], ",") AS x',
    'RETURN grafeo.anything() AS x',
    ':param x => 1',
    'MATCH (n) RETURN n\u200B',
    'MATCH (n) RETURN n // \u202Eevil',
    'MATCH (n)\u00A0RETURN n',
    'x'.repeat(70_000),
  ])('refuses %s', (query) => {
    expect(refusal(query)).toBeDefined();
  });

  it.each([
    ['MATCH (n:Package) RETURN n.key, n.set, n.create LIMIT 10', {}],
    ['MATCH (n) WHERE n.name = "CREATE SET DELETE" RETURN n', {}],
    ["MATCH (n) WHERE n.summary CONTAINS 'merge conflict' RETURN n", {}],
    ["MATCH (n) WHERE n.name = 'LOAD CSV FROM \\'/etc/passwd\\'' RETURN n", {}],
    ['MATCH (n:`Create`) RETURN n', {}],
    ['MATCH (n)\r\nRETURN n', {}],
    ['MATCH (n)-[:MERGE]->(m) RETURN m', {}],
    ['RETURN {create: 1, set: 2, delete: 3} AS m', {}],
    ['MATCH (n) RETURN $set AS x', { set: 1 }],
    ['// CREATE (n) is only a comment\nMATCH (n) RETURN count(n)', {}],
    ['MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS c } RETURN n.key, c', {}],
    ['CALL db.labels() YIELD label RETURN label', {}],
    ['CALL db.relationshipTypes()', {}],
    ['CALL `db`.`labels`() YIELD label RETURN label', {}],
    ['MATCH p = shortestPath((a {key: $a})-[*]-(b {key: $b})) RETURN p', { a: 'x', b: 'y' }],
    ['MATCH (start:Package) RETURN start', {}],
    ['MATCH (n) WHERE EXISTS { (n)-[:DEPENDS_ON]->() } RETURN n', {}],
    ['MATCH (n) RETURN COUNT { (n)-->() } AS c, date() AS today, duration("P1D") AS d', {}],
    ['MATCH (n) RETURN n UNION MATCH (m) RETURN m AS n', {}],
    ['RETURN 1;', {}],
    ["RETURN 'Zürich', '日本語' AS names", {}],
  ] as const)('accepts %s', (query, params) => {
    expect(refusal(query, params)).toBeUndefined();
  });

  it('refuses a number glued to a keyword, which the store would read as two tokens (finding 1)', () => {
    for (const glued of ['1e9', '1E+9', '.5e1', '0x1F', '0o17', '1.0']) {
      const error = refusal(
        `WITH 1 AS x WHERE x < ${glued}LOAD CSV FROM '/etc/passwd' AS r RETURN r`,
      );
      expect(error?.name).toBe('QueryError');
      expect(error?.message).toMatch(/Neo4j's parser refused this query: .*\(line 1, column \d+\)/);
    }
  });

  it('refuses text the two parsers read differently: a lone carriage return, a doubled backtick', () => {
    // Neo4j ends a // comment at \r, Grafeo only at \n: the second column is code to Grafeo only.
    const hidden = `RETURN 1 AS x // \r, ' AS y\nUNION LOAD CSV FROM '/etc/passwd' AS r RETURN r[0] AS x // '`;
    expect(refusal(hidden)?.message).toMatch(/lone carriage return U\+000D at offset 17/);
    expect(refusal('MATCH (n) RETURN n.key AS x // \r, 5 AS z')).toBeDefined();
    expect(refusal('RETURN 1 AS `a``b`, 2 AS y')?.message).toMatch(/doubled backtick/);
    // A Windows line end is read alike by both.
    expect(refusal('MATCH (n)\r\nRETURN count(n) AS c // a comment\r\n')).toBeUndefined();
  });

  it('says what made the query a write, or which procedure it called', () => {
    expect(refusal('MATCH (n) DETACH DELETE n')?.message).toMatch(/DELETE writes/);
    expect(refusal('LOAD CSV FROM "x" AS r RETURN r')?.message).toMatch(/LOAD CSV reads files/);
    expect(refusal('CALL apoc.do.it()')?.message).toMatch(/procedure apoc\.do\.it/);
    expect(refusal('MATCH (n) RETURN n\u200B')?.message).toMatch(/U\+200B at offset 18/);
    expect(refusal('MATCH (n) RETURN $missing AS x')?.message).toMatch(/\$missing/);
  });
});

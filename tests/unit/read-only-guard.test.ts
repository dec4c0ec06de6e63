import { describe, expect, it } from 'vitest';
import { assertReadOnly } from '../../graph/read-only-guard.js';

function rejection(query: string): string | undefined {
  try {
    assertReadOnly(query);
    return undefined;
  } catch (error) {
    expect((error as Error).name).toBe('ReadOnlyViolationError');
    expect((error as { code: string }).code).toBe('QUERY_NOT_READ_ONLY');
    return (error as Error).message;
  }
}

describe('assertReadOnly', () => {
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
    'MATCH (n) CALL { DELETE n } IN TRANSACTIONS',
    'CALL apoc.create.node(["X"], {}) YIELD node RETURN node',
    'CALL dbms.security.createUser("x", "y")',
    'CALL db.createLabel("X")',
    'MATCH (n) /* a comment */ SET n.x = 1',
    'INSERT (:Package {key: "x"})',
    'CALL `dbms`.`setConfigValue`("a", "b")',
    'CALL `grafeo`.`procedures`()',
    'CALL `apoc.create.node`(["X"], {})',
    'SHOW SETTINGS',
    'SHOW TRANSACTIONS YIELD *',
    'MATCH (n) RETURN n.key AS k UNION USE system SHOW USERS',
    'CALL 1',
  ])('rejects %s', (query) => {
    expect(rejection(query)).toBeDefined();
  });

  it.each([
    'MATCH (n:Package) RETURN n.key, n.set, n.create LIMIT 10',
    'MATCH (n) WHERE n.name = "CREATE SET DELETE" RETURN n',
    "MATCH (n) WHERE n.summary CONTAINS 'merge conflict' RETURN n",
    'MATCH (n:`Create`) RETURN n',
    'MATCH (n)-[:MERGE]->(m) RETURN m',
    'RETURN {create: 1, set: 2, delete: 3} AS m',
    'MATCH (n) RETURN $set AS x',
    '// CREATE (n) is only a comment\nMATCH (n) RETURN count(n)',
    'MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS c } RETURN n.key, c',
    'CALL db.labels() YIELD label RETURN label',
    'CALL db.relationshipTypes()',
    'CALL `db`.`labels`() YIELD label RETURN label',
    'SHOW INDEXES',
    'SHOW RANGE INDEXES YIELD name RETURN name',
    'MATCH p = shortestPath((a {key: $a})-[*]-(b {key: $b})) RETURN p',
    'MATCH (start:Package) RETURN start',
    'MATCH (n) WHERE EXISTS { (n)-[:DEPENDS_ON]->() } RETURN n',
  ])('accepts %s', (query) => {
    expect(rejection(query)).toBeUndefined();
  });

  it('says which clause made the query a write', () => {
    expect(rejection('MATCH (n) DETACH DELETE n')).toMatch(/DETACH DELETE/);
    expect(rejection('CALL apoc.do.it()')).toMatch(/apoc\.do\.it/);
  });
});

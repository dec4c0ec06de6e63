/** A fast-check grammar of Cypher queries for the console's fuzz test (tests/integration/cypher-fuzz.test.ts). */
import fc from 'fast-check';

/**
 * Cypher queries built from pieces, hostile and not, for the console's fuzz test: `canaryPath` is
 * a file no answer may show.
 */
export function cypherQueries(canaryPath: string): fc.Arbitrary<string> {
  const separator = fc.constantFrom(
    '',
    ' ',
    ' ',
    ' ',
    '\n',
    '\t',
    '/**/',
    '/* CREATE (:Evil) */',
    '// LOAD CSV\n',
    '\u200b',
    '\u00a0',
    '\u202e',
    '\u2028',
    '\ufeff',
    '\u0085',
    '\r',
    '\r\n',
    '// c\r',
    '/* c */\r',
  );
  const number = fc.constantFrom(
    '1e9',
    '1E+9',
    '1e-3',
    '.5e1',
    '0x1F',
    '0X1f',
    '0o17',
    '017',
    '1_000',
    '1.5',
    '-2',
    '9223372036854775807',
    '0xFFFFFFFFFFFFFFFFF',
    '1.',
    'NaN',
  );
  const keyword = fc.constantFrom(
    'LOAD CSV FROM',
    'LOAD CSV WITH HEADERS FROM',
    'LOAD',
    'CREATE',
    'MERGE',
    'SET',
    'DELETE',
    'DETACH DELETE',
    'REMOVE',
    'FOREACH',
    'CALL',
    'RETURN',
    'WITH',
    'MATCH',
    'UNWIND',
    'UNION',
    'INSERT',
    'USE',
    'DROP',
    'SHOW',
    'EXPLAIN',
    'PROFILE',
    '\u0421REATE', // a Cyrillic Es for the C
    '\uff2c\uff2f\uff21\uff24', // LOAD in full-width letters
    'cReAtE',
  );
  const read = fc.constantFrom(
    'MATCH (n)',
    'MATCH (n:Package)',
    'MATCH (a)-[r]->(b)',
    'MATCH (a:Version)-[:DEPENDS_ON]->(b:Package)',
    'OPTIONAL MATCH (n)-->(m)',
    'MATCH p = shortestPath((a {key: $a})-[*]-(b {key: $b}))',
    'WITH n',
    'WITH 1 AS x',
    'WITH n, count(*) AS c',
    'WHERE n.key = $a',
    'WHERE x < 10',
    'WHERE EXISTS { (n)-->() }',
    'UNWIND [1, 2, 3] AS x',
    'UNWIND range(1, 3) AS x',
    'CALL db.labels() YIELD label',
    'CALL (n) { MATCH (n)--(m) RETURN count(m) AS c }',
    'CALL { MATCH (m) RETURN count(m) AS c }',
    'RETURN 1 AS one',
    'RETURN n.key AS k',
    'RETURN n',
    'RETURN count(*) AS c',
    'RETURN x',
    'RETURN label',
    'RETURN labels(n) AS l, properties(n) AS p',
    'ORDER BY 1',
    'LIMIT 3',
    'SKIP 1',
  );
  const write = fc.constantFrom(
    "CREATE (:Evil {key: 'x'})",
    "MERGE (:Evil {key: 'x'})",
    'SET n.evil = 1',
    'SET n:Evil',
    'DELETE n',
    'DETACH DELETE n',
    'REMOVE n.key',
    'FOREACH (i IN [1] | CREATE (:Evil))',
    'INSERT (:Evil)',
    'CREATE INDEX evil FOR (n:Package) ON (n.name)',
    'CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.key IS UNIQUE',
    'DROP INDEX evil',
    'CALL { CREATE (:Evil) }',
    'CALL (n) { SET n.evil = 1 }',
    'CALL (n) { DETACH DELETE n } IN TRANSACTIONS',
  );
  const procedure = fc
    .constantFrom(
      'grafeo.pagerank',
      'grafeo.procedures',
      'grafeo.bfs',
      'grafeo.louvain',
      'apoc.load.json',
      'apoc.create.node',
      'dbms.setConfigValue',
      'db.createLabel',
      '`db`.`labels`',
      '`grafeo`.`procedures`',
      '`grafeo.pagerank`',
      'db.labels',
      'db.propertyKeys',
      'db.relationshipTypes',
    )
    .map((name) => `CALL ${name}()`);
  const load = fc.constantFrom(
    `LOAD CSV FROM '${canaryPath}' AS r`,
    `LOAD CSV FROM 'file://${canaryPath}' AS r`,
    `load csv from '${canaryPath}' as r`,
    `LoAd CsV FrOm "${canaryPath}" AS r`,
    `LOAD CSV FROM $path AS r`,
    `LOAD CSV WITH HEADERS FROM "${canaryPath}" AS r`,
    `LOAD CSV FROM '${canaryPath}' AS r FIELDTERMINATOR ','`,
    `LOAD DATA FROM '${canaryPath}' FORMAT CSV AS r`,
    `LOAD JSON FROM '${canaryPath}' AS r`,
  );
  const glued = fc.tuple(number, keyword).map(([n, k]) => `${n}${k}`);
  const text = fc.constantFrom(
    `'${canaryPath}'`,
    "'it\\'s'",
    '"\\u0041"',
    "'\\\\'",
    "'unclosed",
    '`CREATE`',
    '`a``b`',
    '`a``, 2 AS y, `',
    '`LOAD CSV`',
    "'LOAD CSV FROM \\'/etc/passwd\\''",
    '$a',
    '$`b`',
    '/* unclosed',
  );
  const connector = fc.constantFrom(
    ';',
    'UNION',
    'UNION ALL',
    'RETURN r',
    'RETURN *',
    '{',
    '}',
    '|',
  );
  const prefix = fc.constantFrom('', '', '', 'EXPLAIN ', 'PROFILE ', 'CYPHER 5 ', 'USE neo4j ');
  const piece = fc.oneof(
    { weight: 6, arbitrary: read },
    { weight: 2, arbitrary: write },
    { weight: 2, arbitrary: procedure },
    { weight: 2, arbitrary: load },
    { weight: 2, arbitrary: glued },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: connector },
    { weight: 1, arbitrary: keyword },
  );
  const parts = fc.array(fc.tuple(separator, piece), { minLength: 1, maxLength: 7 });
  /** Mostly well-formed reads with one hostile piece somewhere, so the store sees many queries. */
  const nearlyRead = fc
    .tuple(
      fc.constantFrom('MATCH (n)', 'MATCH (n:Package)', 'WITH 1 AS x', 'UNWIND [1, 2] AS x'),
      fc.oneof(read, text, glued, load, procedure, write, fc.constant('')),
      fc.constantFrom(' ', '\n', '', '/**/'),
      fc.constantFrom('RETURN 1 AS one', 'RETURN count(*) AS c', 'RETURN r', 'RETURN *'),
    )
    .map(([head, middle, gap, tail]) => `${head} ${middle}${gap}${tail}`);
  const free = fc
    .tuple(prefix, parts)
    .map(([p, list]) => p + list.map(([s, text]) => `${s}${text}`).join(' '));
  /** Well-formed reads, with parameters and hostile text only inside strings and comments. */
  const wellFormed = fc
    .tuple(
      fc.constantFrom('MATCH (n)', 'MATCH (n:Package)', 'MATCH (a)-[r]->(n)', 'OPTIONAL MATCH (n)'),
      fc.constantFrom(
        '',
        ' WHERE n.key = $a',
        " WHERE n.key STARTS WITH 'pkg'",
        ' WHERE EXISTS { (n)-->() }',
      ),
      fc.constantFrom('', ' WITH n, count(*) AS c', ' WITH n LIMIT 1'),
      fc.oneof(text, separator, fc.constant('')),
      fc.constantFrom(
        ' RETURN n.key AS k',
        ' RETURN count(*) AS c',
        ' RETURN labels(n) AS l, n',
        ' RETURN n ORDER BY n.key LIMIT 2',
      ),
    )
    .map(([m, w, x, t, r]) =>
      t.startsWith("'") || t.startsWith('"')
        ? `${m}${w}${x} WITH n, ${t} AS t${r}`
        : `${m}${w}${x}${r} /* ${t.replace(/\*\//g, '')} */`,
    );
  return fc.oneof(free, nearlyRead, wellFormed);
}

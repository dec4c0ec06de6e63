// Packages, people, organisations and repositories whose key or name contains $q (lower case),
// names starting with it first, then shorter names (a tie: by key, alike on both stores). Neo4j scans each of the four labels (a union
// of label scans) instead of every node with the labels tested: the versions, half the graph, are
// never read.
CALL () {
  MATCH (n:Package) RETURN n
  UNION
  MATCH (n:Person) RETURN n
  UNION
  MATCH (n:Organisation) RETURN n
  UNION
  MATCH (n:Repository) RETURN n
}
WITH n
WHERE n.stub IS NULL
  AND (toLower(coalesce(n.name, '')) CONTAINS $q OR toLower(n.key) CONTAINS $q)
WITH n, toLower(coalesce(n.name, n.key)) AS name
RETURN n.key AS key, labels(n)[0] AS label, coalesce(n.name, n.key) AS name, n.trust AS trust,
       CASE WHEN name STARTS WITH $q THEN 0 ELSE 1 END AS rank
ORDER BY rank, size(name), name, key
LIMIT $limit

// Packages, people, organisations and repositories whose key or name contains $q (lower case),
// names starting with it first, then shorter names (a tie: by key, alike on both stores). Each
// label's TEXT index on `search` (the lower-cased name and key, schema/*-search-index) finds the
// candidates; the test on name and key after it keeps the answers exact (a $q spanning the
// space between name and key is in `search` but in neither).
CALL () {
  MATCH (n:Package) WHERE n.search CONTAINS $q RETURN n
  UNION
  MATCH (n:Person) WHERE n.search CONTAINS $q RETURN n
  UNION
  MATCH (n:Organisation) WHERE n.search CONTAINS $q RETURN n
  UNION
  MATCH (n:Repository) WHERE n.search CONTAINS $q RETURN n
}
WITH n
WHERE n.stub IS NULL
  AND (toLower(coalesce(n.name, '')) CONTAINS $q OR toLower(n.key) CONTAINS $q)
WITH n, toLower(coalesce(n.name, n.key)) AS name
RETURN n.key AS key, labels(n)[0] AS label, coalesce(n.name, n.key) AS name, n.trust AS trust,
       CASE WHEN name STARTS WITH $q THEN 0 ELSE 1 END AS rank
ORDER BY rank, size(name), name, key
LIMIT $limit

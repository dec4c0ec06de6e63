// Packages, people, organisations and repositories whose key or name contains $q (lower case),
// names starting with it first, then shorter names (a tie: by key, alike on both stores). One
// property, `search` (the lower-cased name and key, written by the node upserts), is tested first:
// only the four labels have it. The test on name and key after it keeps the answers exact.
MATCH (n)
WHERE n.search CONTAINS $q
  AND (n:Package OR n:Person OR n:Organisation OR n:Repository)
  AND n.stub IS NULL
  AND (toLower(coalesce(n.name, '')) CONTAINS $q OR toLower(n.key) CONTAINS $q)
WITH n, toLower(coalesce(n.name, n.key)) AS name
RETURN n.key AS key, labels(n)[0] AS label, coalesce(n.name, n.key) AS name, n.trust AS trust,
       CASE WHEN name STARTS WITH $q THEN 0 ELSE 1 END AS rank
ORDER BY rank, size(name), name, key
LIMIT $limit

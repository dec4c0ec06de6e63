// The releases of the package with $key that have a publish time, by $until when it is not null
// (an ISO instant: publish times are stored as toISOString gives them), newest first, at most
// $limit: each version's own properties and who published it.
MATCH (:Package {key: $key})-[:HAS_VERSION]->(v:Version)
WHERE v.publishedAt IS NOT NULL AND ($until IS NULL OR v.publishedAt <= $until)
OPTIONAL MATCH (person:Person)-[:PUBLISHED]->(v)
WITH v, collect(person.key) AS publishers
ORDER BY v.publishedAt DESC, v.key DESC
LIMIT $limit
RETURN v.key AS key, properties(v) AS properties, publishers

// The releases of the package with $key that have a publish time, newest first, at most $limit:
// each version's own properties and who published it.
MATCH (:Package {key: $key})-[:HAS_VERSION]->(v:Version)
WHERE v.publishedAt IS NOT NULL
OPTIONAL MATCH (person:Person)-[:PUBLISHED]->(v)
WITH v, collect(person.key) AS publishers
ORDER BY v.publishedAt DESC, v.key DESC
LIMIT $limit
RETURN v.key AS key, properties(v) AS properties, publishers

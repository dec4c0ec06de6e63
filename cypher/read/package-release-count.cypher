// How many releases of the package with $key have a publish time.
MATCH (:Package {key: $key})-[:HAS_VERSION]->(v:Version)
WHERE v.publishedAt IS NOT NULL
RETURN count(v) AS releases

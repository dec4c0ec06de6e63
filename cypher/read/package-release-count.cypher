// How many releases of the package with $key have a publish time, by $until when it is not null.
MATCH (:Package {key: $key})-[:HAS_VERSION]->(v:Version)
WHERE v.publishedAt IS NOT NULL AND ($until IS NULL OR v.publishedAt <= $until)
RETURN count(v) AS releases

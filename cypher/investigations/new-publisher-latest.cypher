// title: Latest versions published by a first-time publisher
// description: Packages whose latest version was published by an account that had not published that package before.
// param: limit integer 50 How many to list
MATCH (p:Package)-[:HAS_VERSION]->(v:Version)<-[:PUBLISHED]-(u:Person)
WHERE v.version = p.latest
  AND EXISTS { MATCH (p)-[:HAS_VERSION]->(e:Version) WHERE e.publishedAt < v.publishedAt }
  AND NOT EXISTS { MATCH (p)-[:HAS_VERSION]->(e:Version)<-[:PUBLISHED]-(u) WHERE e.publishedAt < v.publishedAt }
RETURN p.key AS package, v.version AS version, u.key AS publisher, v.publishedAt AS publishedAt
ORDER BY publishedAt DESC
LIMIT $limit

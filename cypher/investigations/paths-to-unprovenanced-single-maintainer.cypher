// title: Paths to packages with one maintainer and no provenance (within 50 hops)
// description: From a root, the shortest path to each version within 50 hops that has no provenance attestation and a single maintainer, nearest first. Versions deeper than 50 hops are not searched: the bound keeps the answer small on any graph.
// param: root string pkg:npm/express@5.1.0 The root version's key
// param: limit integer 50 How many to list
MATCH (root:Version {key: $root})-[:RESOLVES_TO*1..50]->(v:Version)<-[:HAS_VERSION]-(p:Package)
WITH DISTINCT root, v, p
WHERE coalesce(v.provenance, false) = false AND COUNT { (:Person)-[:MAINTAINS]->(p) } = 1
MATCH path = shortestPath((root)-[:RESOLVES_TO*1..50]->(v))
RETURN v.key AS version, length(path) AS hops, [n IN nodes(path) | n.key] AS path
ORDER BY hops, version
LIMIT $limit

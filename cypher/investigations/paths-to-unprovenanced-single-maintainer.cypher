// title: Paths to packages with one maintainer and no provenance
// description: From a root, the shortest path to each version that has no provenance attestation and a single maintainer.
// param: root string pkg:npm/express@5.1.0 The root version's key
// param: limit integer 50 How many to list
MATCH (root:Version {key: $root})
MATCH (p:Package)-[:HAS_VERSION]->(v:Version)
WHERE coalesce(v.provenance, false) = false AND COUNT { (:Person)-[:MAINTAINS]->(p) } = 1
MATCH path = shortestPath((root)-[:RESOLVES_TO*1..]->(v))
RETURN v.key AS version, length(path) AS hops, [n IN nodes(path) | n.key] AS path
ORDER BY hops, version
LIMIT $limit

// title: Who controls the largest share of a root's closure
// description: The maintainers of the versions a root installs, by how many of those versions each can publish.
// param: root string pkg:npm/express@5.1.0 The root version's key
// param: limit integer 20 How many to list
MATCH (root:Version {key: $root})-[:RESOLVES_TO*0..]->(v:Version)
WITH collect(DISTINCT v) AS closure
UNWIND closure AS v
MATCH (v)<-[:HAS_VERSION]-(p:Package)<-[:MAINTAINS]-(m:Person)
WITH m, count(DISTINCT v) AS versions, size(closure) AS total
RETURN m.key AS maintainer, versions, total, toFloat(versions) / total AS share
ORDER BY versions DESC, maintainer
LIMIT $limit

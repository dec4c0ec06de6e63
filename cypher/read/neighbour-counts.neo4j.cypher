// How many relationships of each type and direction the node with $key has. The node is found by
// each label's key index (read/node-by-key.neo4j says why).
CALL () {
  MATCH (n:Package {key: $key}) RETURN n
  UNION
  MATCH (n:Version {key: $key}) RETURN n
  UNION
  MATCH (n:Person {key: $key}) RETURN n
  UNION
  MATCH (n:Organisation {key: $key}) RETURN n
  UNION
  MATCH (n:Repository {key: $key}) RETURN n
  UNION
  MATCH (n:Vulnerability {key: $key}) RETURN n
}
MATCH (n)-[r]-()
RETURN type(r) AS type, startNode(r) = n AS outgoing, count(*) AS count
ORDER BY type, outgoing

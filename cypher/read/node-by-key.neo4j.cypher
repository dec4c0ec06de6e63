// One node by its key, with its labels and properties. Neo4j finds a node by key through its
// label's key constraint only, so each label is looked up by its index (a label-less match scans
// every node: seconds on a million-node graph).
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
RETURN n.key AS key, labels(n) AS labels, properties(n) AS properties

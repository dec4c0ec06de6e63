// The nodes one relationship away from the node with $key, in both directions, with their name and
// the relationship's properties: at most $limit of each type and direction, so a package's
// thousands of versions do not crowd out its maintainers and repository. The node is found by
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
MATCH (n)-[r]-(m)
WITH type(r) AS type, startNode(r) = n AS outgoing, m.key AS key, labels(m) AS labels,
     m.name AS name, properties(r) AS properties
ORDER BY type, outgoing, key
WITH type, outgoing,
     collect({key: key, labels: labels, name: name, properties: properties}) AS items
UNWIND items[..$limit] AS item
RETURN type, outgoing, item.key AS key, item.labels AS labels, item.name AS name,
       item.properties AS properties
ORDER BY type, outgoing, key

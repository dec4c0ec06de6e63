// How many relationships of each type and direction the node with $key has.
MATCH (n {key: $key})-[r]-()
RETURN type(r) AS type, startNode(r) = n AS outgoing, count(*) AS count
ORDER BY type, outgoing

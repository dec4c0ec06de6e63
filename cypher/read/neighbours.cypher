// The nodes one relationship away from the node with $key, in both directions.
MATCH (n {key: $key})-[r]-(m)
RETURN type(r) AS type, startNode(r) = n AS outgoing, m.key AS key, labels(m) AS labels
ORDER BY type, key
LIMIT $limit

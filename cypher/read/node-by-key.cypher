// One node by its key, with its labels and properties.
MATCH (n {key: $key})
RETURN n.key AS key, labels(n) AS labels, properties(n) AS properties

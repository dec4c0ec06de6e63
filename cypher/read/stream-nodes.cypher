// Every node with one of $labels, streamed by the Neo4j driver in fetch-size batches.
MATCH (n)
WHERE any(label IN labels(n) WHERE label IN $labels)
RETURN n.key AS key, labels(n) AS labels, properties(n) AS properties

// Every relationship of one of $types between keyed nodes, streamed by the Neo4j driver.
MATCH (a)-[r]->(b)
WHERE type(r) IN $types
RETURN a.key AS from, type(r) AS type, b.key AS to, properties(r) AS properties

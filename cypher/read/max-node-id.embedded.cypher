// The highest internal node id: the embedded store streams the graph by scanning ids up to it.
// Embedded only: Neo4j streams with its driver instead, and its id() is deprecated.
MATCH (n)
RETURN max(id(n)) AS maxId

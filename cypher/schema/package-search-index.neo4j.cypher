// A TEXT index on the lower-cased name and key that read/search looks in: Neo4j answers
// `n.search CONTAINS $q` on a Package from it instead of reading every Package.
CREATE TEXT INDEX package_search IF NOT EXISTS
FOR (n:Package) ON (n.search)

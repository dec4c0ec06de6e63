// A TEXT index on the lower-cased name and key that read/search looks in: Neo4j answers
// `n.search CONTAINS $q` on a Repository from it instead of reading every Repository.
CREATE TEXT INDEX repository_search IF NOT EXISTS
FOR (n:Repository) ON (n.search)

// A TEXT index on the lower-cased name and key that read/search looks in: Neo4j answers
// `n.search CONTAINS $q` on a Organisation from it instead of reading every Organisation.
CREATE TEXT INDEX organisation_search IF NOT EXISTS
FOR (n:Organisation) ON (n.search)

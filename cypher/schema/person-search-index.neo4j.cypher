// A TEXT index on the lower-cased name and key that read/search looks in: Neo4j answers
// `n.search CONTAINS $q` on a Person from it instead of reading every Person.
CREATE TEXT INDEX person_search IF NOT EXISTS
FOR (n:Person) ON (n.search)

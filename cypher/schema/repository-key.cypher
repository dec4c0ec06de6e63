// Every Repository has one node per key. In Neo4j the constraint is backed by a range index.
CREATE CONSTRAINT repository_key IF NOT EXISTS
FOR (n:Repository) REQUIRE n.key IS UNIQUE

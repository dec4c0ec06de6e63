// Every Organisation has one node per key. In Neo4j the constraint is backed by a range index.
CREATE CONSTRAINT organisation_key IF NOT EXISTS
FOR (n:Organisation) REQUIRE n.key IS UNIQUE

// Every Version has one node per key. In Neo4j the constraint is backed by a range index.
CREATE CONSTRAINT version_key IF NOT EXISTS
FOR (n:Version) REQUIRE n.key IS UNIQUE

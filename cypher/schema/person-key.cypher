// Every Person has one node per key. In Neo4j the constraint is backed by a range index.
CREATE CONSTRAINT person_key IF NOT EXISTS
FOR (n:Person) REQUIRE n.key IS UNIQUE

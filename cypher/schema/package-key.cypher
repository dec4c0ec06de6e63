// Every Package has one node per key. In Neo4j the constraint is backed by a range index.
CREATE CONSTRAINT package_key IF NOT EXISTS
FOR (n:Package) REQUIRE n.key IS UNIQUE

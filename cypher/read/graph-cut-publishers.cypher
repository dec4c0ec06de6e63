// The graph view's cut (server/graph-cut.ts): the people who published each version.
UNWIND $keys AS key
MATCH (person:Person)-[:PUBLISHED]->(:Version {key: key})
RETURN DISTINCT key AS key, person.key AS person, person.trust AS trust, person.name AS name

// The graph view's cut (server/graph-cut.ts): the people who maintain each package.
UNWIND $keys AS key
MATCH (person:Person)-[:MAINTAINS]->(:Package {key: key})
RETURN DISTINCT key AS key, person.key AS person, person.trust AS trust, person.name AS name

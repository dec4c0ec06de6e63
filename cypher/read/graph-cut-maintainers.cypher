// The graph view's cut (server/graph-cut.ts): the people who maintain each package.
UNWIND $keys AS key
MATCH (:Package {key: key})<-[:MAINTAINS]-(person:Person)
RETURN DISTINCT key AS key, person.key AS person, person.trust AS trust, person.name AS name

// The graph view's cut (server/graph-cut.ts): the people who published each version.
UNWIND $keys AS key
MATCH (:Version {key: key})<-[:PUBLISHED]-(person:Person)
RETURN DISTINCT key AS key, person.key AS person, person.trust AS trust, person.name AS name

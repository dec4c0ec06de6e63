// The graph view's cut (server/graph-cut.ts) on Neo4j, in one statement: every version the root
// reaches within 50 hops (the API's deepest view), each once, as graph-cut-versions-people gives
// a version. Neo4j walks it breadth first with pruning (VarLengthExpand(Pruning,BFS)), one
// statement instead of a read per level; at most $cap rows. For a closure larger than the view's
// limit the cut walks the levels, reading only the versions these rows did not give. The cut lays
// out the depth asked from the children. Not used on the embedded store, whose variable-length
// match follows paths.
MATCH (root:Version {key: $root})-[:RESOLVES_TO*0..50]->(v:Version)
WITH DISTINCT v
LIMIT $cap
RETURN v.key AS key, v.trust AS trust, v.reach AS reach, v.flagSeverity AS flagSeverity,
       [(v)<-[:HAS_VERSION]-(p:Package) | p.key] AS packages,
       [(v)-[:RESOLVES_TO]->(child:Version) | child.key] AS children,
       [(v)<-[:PUBLISHED]-(person:Person) | [person.key, person.trust, person.name]] AS publishers

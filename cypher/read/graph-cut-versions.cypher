// The graph view's cut (server/graph-cut.ts), one level at a time: each version's stored scores, its
// package and the versions it resolves to (children), in one row per version: the cut reads a
// level's scores as it walks it, with no second read per version. Lists from pattern
// comprehensions, not OPTIONAL MATCHes (the embedded store runs those 5x slower).
UNWIND $keys AS key
MATCH (v:Version {key: key})
RETURN key AS key, v.trust AS trust, v.reach AS reach, v.flagSeverity AS flagSeverity,
       [(v)<-[:HAS_VERSION]-(p:Package) | p.key] AS packages,
       [(v)-[:RESOLVES_TO]->(child:Version) | child.key] AS children

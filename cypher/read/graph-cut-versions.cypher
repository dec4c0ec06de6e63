// The graph view's cut (server/graph-cut.ts): each version's stored scores and its package (a
// pattern comprehension, not an OPTIONAL MATCH: the embedded store runs that one 5x slower).
UNWIND $keys AS key
MATCH (v:Version {key: key})
RETURN key AS key, v.trust AS trust, v.reach AS reach, v.flagSeverity AS flagSeverity,
       [(v)<-[:HAS_VERSION]-(p:Package) | p.key] AS packages

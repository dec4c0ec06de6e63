// The graph view's cut (server/graph-cut.ts): each version's stored scores and its package.
UNWIND $keys AS key
MATCH (v:Version {key: key})
OPTIONAL MATCH (v)<-[:HAS_VERSION]-(p:Package)
RETURN key AS key, v.trust AS trust, v.reach AS reach, v.flagSeverity AS flagSeverity,
       p.key AS package

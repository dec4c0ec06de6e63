// graph-cut-versions with the people who published each version, [key, trust, name] each, for a
// view with the people layer (server/graph-cut.ts): one statement a level instead of two.
UNWIND $keys AS key
MATCH (v:Version {key: key})
RETURN key AS key, v.trust AS trust, v.reach AS reach, v.flagSeverity AS flagSeverity,
       [(v)<-[:HAS_VERSION]-(p:Package) | p.key] AS packages,
       [(v)-[:RESOLVES_TO]->(child:Version) | child.key] AS children,
       [(v)<-[:PUBLISHED]-(person:Person) | [person.key, person.trust, person.name]] AS publishers

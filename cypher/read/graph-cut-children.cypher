// One level of the graph view's cut (server/graph-cut.ts): the versions each of $keys resolves to,
// so /api/graph walks down from its root a level at a time instead of loading the whole graph.
UNWIND $keys AS key
MATCH (:Version {key: key})-[:RESOLVES_TO]->(child:Version)
RETURN DISTINCT key AS key, child.key AS child

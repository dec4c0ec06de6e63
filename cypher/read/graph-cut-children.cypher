// One level of the graph view's cut (server/graph-cut.ts): the versions each of $keys resolves to,
// so /api/graph walks down from its root a level at a time instead of loading the whole graph. One
// row per key with its children as a list: a quarter of the rows of one per edge.
UNWIND $keys AS key
MATCH (v:Version {key: key})
RETURN key AS key, [(v)-[:RESOLVES_TO]->(child:Version) | child.key] AS children

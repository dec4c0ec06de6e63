// /api/graph's root given as a key (server/graph-cut.ts): the version $key, if it is in a resolved
// tree.
MATCH (v:Version {key: $key})
WHERE EXISTS { MATCH (v)-[:RESOLVES_TO]-() }
RETURN v.key AS key

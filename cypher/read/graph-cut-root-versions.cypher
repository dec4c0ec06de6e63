// /api/graph's root given as a spec (server/graph-cut.ts): the versions of the package $package
// that are in a resolved tree; the spec's range picks among them.
MATCH (:Package {key: $package})-[:HAS_VERSION]->(v:Version)
WHERE EXISTS { MATCH (v)-[:RESOLVES_TO]-() }
RETURN v.key AS key

// Upserts Repository nodes by key. Row: {key, props}. Properties in props are set (null removes one),
// others are kept. A node first made as a stub by a relationship upsert stops being one. `search`,
// the lower-cased name and key that read/search looks in (a TEXT index on Neo4j), is written here so
// that every writer keeps it without code of its own.
UNWIND $rows AS row
MERGE (n:Repository {key: row.key})
SET n += row.props
SET n.search = toLower(coalesce(n.name, '') + ' ' + n.key)
REMOVE n.stub
RETURN count(*) AS written

// Upserts Version nodes by key. Row: {key, props}. Properties in props are set (null removes one),
// others are kept. A node first made as a stub by a relationship upsert stops being one.
UNWIND $rows AS row
MERGE (n:Version {key: row.key})
SET n += row.props
REMOVE n.stub
RETURN count(*) AS written

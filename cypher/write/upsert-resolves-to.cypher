// In the tree resolved for `root`, a version's dependency resolved to this version.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
// `root` is part of the relationship's identity and must be set.
UNWIND $rows AS row
MERGE (a:Version {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Version {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:RESOLVES_TO {root: row.props.root}]->(b)
SET r += row.props
RETURN count(*) AS written

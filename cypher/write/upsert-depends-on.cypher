// A version declares a dependency on a package: {range, kind: prod|optional|peer|dev}.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
// `kind` is part of the relationship's identity and must be set.
UNWIND $rows AS row
MERGE (a:Version {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Package {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:DEPENDS_ON {kind: row.props.kind}]->(b)
SET r += row.props
RETURN count(*) AS written

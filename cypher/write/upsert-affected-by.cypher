// A version is affected by an advisory.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
UNWIND $rows AS row
MERGE (a:Version {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Vulnerability {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:AFFECTED_BY]->(b)
SET r += row.props
RETURN count(*) AS written

// A person belongs to an organisation: {evidence}.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
UNWIND $rows AS row
MERGE (a:Person {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Organisation {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:MEMBER_OF]->(b)
SET r += row.props
RETURN count(*) AS written

// A person committed to the repository: {commits, lastCommitAt}.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
UNWIND $rows AS row
MERGE (a:Person {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Repository {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:CONTRIBUTES_TO]->(b)
SET r += row.props
RETURN count(*) AS written

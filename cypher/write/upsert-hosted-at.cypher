// A package names its source repository: {verified} (claimed in metadata vs verified by provenance or tags).
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
UNWIND $rows AS row
MERGE (a:Package {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Repository {key: row.to})
  ON CREATE SET b.stub = true
MERGE (a)-[r:HOSTED_AT]->(b)
SET r += row.props
RETURN count(*) AS written

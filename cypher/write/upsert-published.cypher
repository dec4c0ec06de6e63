// A person's account published the version.
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
// The relationship is matched from the version (one publisher) rather than the person (who may have
// published thousands): the embedded store (Grafeo 0.6.0, measured: decision 018)
// pays for the first node's relationships of the type.
UNWIND $rows AS row
MERGE (a:Person {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Version {key: row.to})
  ON CREATE SET b.stub = true
MERGE (b)<-[r:PUBLISHED]-(a)
SET r += row.props
RETURN count(*) AS written

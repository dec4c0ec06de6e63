// A person can publish the package (a maintainer or owner).
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
// The relationship is matched from the package (a few maintainers) rather than the person (who may
// maintain thousands): the embedded store (Grafeo 0.6.0, measured: decision 018)
// pays for the first node's relationships of the type.
UNWIND $rows AS row
MERGE (a:Person {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Package {key: row.to})
  ON CREATE SET b.stub = true
MERGE (b)<-[r:MAINTAINS]-(a)
SET r += row.props
RETURN count(*) AS written

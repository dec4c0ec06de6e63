// A package has a version (every published version, not only resolved ones).
// Row: {from, to, props}. An endpoint that does not exist yet is created as a stub
// ({key, stub: true}) and filled in when its own upsert arrives.
// The relationship is matched from the version (one package) rather than the package (which may
// have thousands): the embedded store (Grafeo 0.6.0, measured: decision 018)
// pays for the first node's relationships of the type.
UNWIND $rows AS row
MERGE (a:Package {key: row.from})
  ON CREATE SET a.stub = true
MERGE (b:Version {key: row.to})
  ON CREATE SET b.stub = true
MERGE (b)<-[r:HAS_VERSION]-(a)
SET r += row.props
RETURN count(*) AS written

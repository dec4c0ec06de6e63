// title: Versions with advisories
// description: Versions hit by a vulnerability or malicious-package advisory, worst first.
// param: limit integer 100 How many to list
MATCH (v:Version)-[:AFFECTED_BY]->(a:Vulnerability)
RETURN v.key AS version, a.key AS advisory, a.severity AS severity, coalesce(a.malicious, false) AS malicious
ORDER BY malicious DESC, severity, version
LIMIT $limit

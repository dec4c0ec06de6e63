// The explanation of the most recently scored version of the package with $key: its `asOf` is the
// instant the package's stored flags were read at (a replay's releases after it were not scored).
MATCH (:Package {key: $key})-[:HAS_VERSION]->(v:Version)
WHERE v.scoredAt IS NOT NULL
RETURN v.explanation AS explanation
ORDER BY v.scoredAt DESC
LIMIT 1

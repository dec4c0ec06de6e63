// The stored change flags of the flagged versions among $keys: their worst severity and the
// explanation that lists them (trust/stored-scores.ts reads the flags out of it).
UNWIND $keys AS key
MATCH (v:Version {key: key})
WHERE v.flagSeverity IS NOT NULL
RETURN v.key AS key, v.flagSeverity AS flagSeverity, v.explanation AS explanation

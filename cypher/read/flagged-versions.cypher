// Every version the last scoring run flagged, with its worst flag's severity (the graph view
// marks them).
MATCH (v:Version)
WHERE v.flagSeverity IS NOT NULL
RETURN v.key AS key, v.flagSeverity AS flagSeverity

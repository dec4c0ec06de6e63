// Writes a scoring run's properties onto existing Version nodes. Row: {key, scores}; scores holds
// every score property, null for the ones that do not apply, so a re-score replaces, never accumulates.
UNWIND $rows AS row
MATCH (n:Version {key: row.key})
SET n += row.scores
RETURN count(*) AS written

// Removes the scores of Repository nodes that the run stamped $scoredAt did not score.
MATCH (n:Repository)
WHERE n.scoredAt IS NOT NULL AND n.scoredAt <> $scoredAt
REMOVE n.trust, n.ownTrust, n.exposure, n.reach, n.maintainerReach, n.busFactor, n.fragility, n.flagSeverity, n.explanation, n.scoredAt
RETURN count(*) AS cleared

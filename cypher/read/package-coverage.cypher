// How much of what the trust model needs is known, over the packages fetched from a registry
// (not stubs, not missing ones).
MATCH (p:Package)
WHERE p.stub IS NULL AND coalesce(p.missing, false) = false
RETURN count(p) AS packages,
       sum(CASE WHEN p.maintainersKnown THEN 1 ELSE 0 END) AS maintainersKnown,
       sum(CASE WHEN p.timesKnown THEN 1 ELSE 0 END) AS timesKnown

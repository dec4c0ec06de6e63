// How many registry versions have a known publisher (projects read from lockfiles excluded).
MATCH (v:Version)
WHERE v.stub IS NULL AND v.project IS NULL
RETURN count(v) AS versions,
       sum(CASE WHEN v.publisherKnown THEN 1 ELSE 0 END) AS publishersKnown,
       sum(CASE WHEN v.publishedAt IS NOT NULL THEN 1 ELSE 0 END) AS timesKnown

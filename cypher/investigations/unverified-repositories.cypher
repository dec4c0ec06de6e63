// title: Repositories claimed but not verified
// description: Packages whose metadata names a source repository that no provenance or tag has confirmed.
// param: limit integer 100 How many to list
MATCH (p:Package)-[h:HOSTED_AT]->(r:Repository)
WHERE coalesce(h.verified, false) = false
RETURN p.key AS package, r.key AS repository, r.url AS url
ORDER BY package
LIMIT $limit

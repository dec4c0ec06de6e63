// title: Single-maintainer chokepoints by reach
// description: Resolved versions that one person alone can publish, ranked by how many resolved versions depend on them. Needs "trustmap score".
// param: limit integer 20 How many to list
MATCH (p:Package)-[:HAS_VERSION]->(v:Version)
WHERE v.reach IS NOT NULL AND v.busFactor = 1
OPTIONAL MATCH (m:Person)-[:MAINTAINS]->(p)
RETURN v.key AS version, v.reach AS reach, v.fragility AS fragility, collect(m.key) AS maintainers
ORDER BY reach DESC, version
LIMIT $limit

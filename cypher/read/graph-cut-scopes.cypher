// The graph view's cut (server/graph-cut.ts): the organisations each package is scoped in.
UNWIND $keys AS key
MATCH (:Package {key: key})-[:IN_SCOPE]->(org)
RETURN DISTINCT key AS key, org.key AS org, org.trust AS trust

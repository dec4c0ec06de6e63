// The indexes, as the query host compares them before and after a user's query (volatile
// columns such as readCount left out).
SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties
RETURN name, type, entityType, labelsOrTypes, properties
ORDER BY name

// A graph written before the search property (decision 013) gets it when the schema is applied, so
// read/search finds its Persons; a graph that has it matches nothing here. Stubs get none (the
// upsert that makes a node more than a stub writes it). 10,000 nodes a transaction: the schema step
// runs it again until it writes none, so a large graph is not one transaction.
MATCH (n:Person)
WHERE n.search IS NULL AND n.stub IS NULL
WITH n LIMIT 10000
SET n.search = toLower(coalesce(n.name, '') + ' ' + n.key)
RETURN count(*) AS written

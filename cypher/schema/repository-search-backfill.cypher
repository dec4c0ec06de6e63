// A graph written before the search property (decision 013) gets it when the schema is applied, so
// read/search finds its Repositorys; a graph that has it matches nothing here. Stubs get none (the
// upsert that makes a node more than a stub writes it).
MATCH (n:Repository)
WHERE n.search IS NULL AND n.stub IS NULL
SET n.search = toLower(coalesce(n.name, '') + ' ' + n.key)
RETURN count(*) AS written

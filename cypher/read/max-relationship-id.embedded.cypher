// The highest internal relationship id: the embedded store streams relationships up to it.
// Embedded only, as read/max-node-id.
MATCH ()-[r]->()
RETURN max(id(r)) AS maxId

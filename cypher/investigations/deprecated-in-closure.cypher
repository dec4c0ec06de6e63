// title: Deprecated versions in a closure
// description: Versions a root installs that their maintainers have deprecated, with the message.
// param: root string pkg:npm/express@5.1.0 The root version's key
MATCH (root:Version {key: $root})-[:RESOLVES_TO*0..]->(v:Version)
WITH DISTINCT v
WHERE v.deprecated IS NOT NULL
RETURN v.key AS version, v.deprecated AS message
ORDER BY version

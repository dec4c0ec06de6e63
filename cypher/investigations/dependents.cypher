// title: Dependents of a package
// description: The versions that declare a dependency on a package (reverse dependencies), with the range and kind.
// param: package string pkg:npm/express The package's key
// param: limit integer 100 How many to list
MATCH (p:Package {key: $package})<-[d:DEPENDS_ON]-(v:Version)
RETURN v.key AS dependent, d.range AS range, d.kind AS kind
ORDER BY dependent
LIMIT $limit

// What verification recorded on these versions, with the digest and trust it checked
// (provenanceDigest): an ingest reads it before verifying a version again (ingest/provenance-memory.ts).
UNWIND $keys AS key
MATCH (v:Version {key: key})
RETURN
  v.key AS key,
  v.provenance AS provenance,
  v.provenanceDigest AS digest,
  v.provenanceReason AS reason,
  v.provenanceSource AS repository,
  v.provenanceCommit AS commit,
  v.provenanceWorkflow AS workflow,
  v.provenanceBuilder AS builder,
  v.provenanceIssuer AS issuer,
  v.provenanceLogUrl AS logUrl,
  v.provenanceAt AS integratedAt,
  v.provenanceRef AS ref

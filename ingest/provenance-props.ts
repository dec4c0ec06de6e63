/**
 * A verification fact as the properties of a Version node (a property holds no nested map in
 * Neo4j): `provenance` true only when verified, with what was proven, or false with the reason.
 * Every field is written (null removes one), so a re-check replaces what an earlier one said.
 */
import type { Pep740Fact, ProvenanceFact } from './provenance/index.js';
import { parseRepository } from './sources/repository-url.js';

/** A repository as an attestation names it (`github.com/owner/name`), as a repository key. */
export function repositoryKeyOf(repository: string | undefined): string | undefined {
  if (repository === undefined) return undefined;
  return parseRepository(`https://${repository}`)?.key;
}

export function factProps(
  fact: ProvenanceFact | Pep740Fact,
): Record<string, string | number | boolean | null> {
  const publisher = 'publisher' in fact ? fact.publisher : undefined;
  return {
    provenance: fact.verified,
    provenanceUnknown: null,
    provenanceReason: fact.verified ? null : (fact.reason ?? 'not verified'),
    provenanceRepository: repositoryKeyOf(fact.repository) ?? null,
    provenanceSource: fact.repository ?? null,
    provenanceCommit: fact.commit ?? null,
    provenanceWorkflow: fact.workflow ?? null,
    provenanceBuilder: fact.builder ?? null,
    provenanceIssuer: fact.issuer ?? null,
    provenanceLogUrl: fact.logUrl ?? null,
    provenanceAt: fact.integratedAt ?? null,
    provenanceRef: fact.ref ?? null,
    // PyPI's Trusted Publisher, as the certificate confirmed it (PEP 740).
    provenancePublisher:
      publisher === undefined
        ? null
        : [publisher.kind, publisher.repository, publisher.environment]
            .filter((part) => part !== undefined && part !== '')
            .join(' '),
  };
}

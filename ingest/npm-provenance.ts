/**
 * npm provenance checked, not taken on trust (issue 17): for a resolved version whose packument
 * names attestations, and, when it has no verified provenance, for the release before it (what
 * "provenance dropped" compares it with),
 * the bundles are fetched from the configured registry (never from a URL the document gives) and
 * verified against the shipped Sigstore trusted root (`ingest/provenance/`). The version records
 * what was proven, or why nothing was; a verified build from the repository the package names
 * makes that link verified. Facts are cached by tarball digest, so a digest is verified once per
 * process, however many runs or roots reach it. This runs in the job handler: on the in-process
 * queue, and in each BullMQ worker.
 */
import semver from 'semver';
import { npmPackageKey, npmVersionKey } from './identity.js';
import {
  VerificationCache,
  verifyNpmAttestations,
  type ProvenanceFact,
} from './provenance/index.js';
import { GraphRecords } from './records.js';
import { verificationTrust } from './verification-trust.js';
import type { Packument } from './sources/npm/packument.js';
import type { RegistryClient } from './sources/npm/registry-client.js';
import { parseRepository } from './sources/repository-url.js';
import { factProps, repositoryKeyOf } from './provenance-props.js';

const caches = new WeakMap<RegistryClient, VerificationCache<ProvenanceFact | undefined>>();

function cacheFor(client: RegistryClient): VerificationCache<ProvenanceFact | undefined> {
  let cache = caches.get(client);
  if (cache === undefined) {
    cache = new VerificationCache<ProvenanceFact | undefined>();
    caches.set(client, cache);
  }
  return cache;
}

/** The package's highest release below `version` (semver order), which the trust engine compares it with. */
export function previousRelease(packument: Packument, version: string): string | undefined {
  let best: string | undefined;
  for (const other of packument.versions.keys()) {
    if (semver.valid(other) === null || semver.valid(version) === null) continue;
    if (semver.lt(other, version) && (best === undefined || semver.gt(other, best))) best = other;
  }
  return best;
}

/**
 * What the registry's attestations for one version prove; undefined when they could not be
 * fetched (the registry failed: unknown, not bad, and not cached).
 */
async function check(
  client: RegistryClient,
  name: string,
  version: string,
  integrity: string | undefined,
): Promise<ProvenanceFact | undefined> {
  if (integrity === undefined)
    return {
      verified: false,
      reason: 'the version has no dist.integrity to check a subject against',
    };
  const fetched = await client.attestations(name, version);
  if (fetched.status === 'failed') return undefined;
  if (fetched.status === 'missing')
    return {
      verified: false,
      reason: 'the packument names attestations, but the registry serves none (404)',
    };
  return verifyNpmAttestations(fetched.document, { name, version, integrity }, verificationTrust());
}

/**
 * The records of what was verified for `version` and the release before it, when their
 * packument names attestations: empty otherwise.
 */
export async function provenanceRecords(
  client: RegistryClient,
  packument: Packument,
  version: string,
): Promise<GraphRecords> {
  const records = new GraphRecords();
  const cache = cacheFor(client);
  const fact = await verifiedFact(client, cache, packument, version, records);
  if (fact?.verified === true) {
    linkVerified(records, packument, fact);
    return records;
  }
  // Only a release without verified provenance can have dropped it: then the release before it
  // is checked too, which "provenance dropped" compares it with.
  const previous = previousRelease(packument, version);
  if (previous !== undefined) await verifiedFact(client, cache, packument, previous, records);
  return records;
}

/** Verifies one version's attestations, when its packument names some, into `records`. */
async function verifiedFact(
  client: RegistryClient,
  cache: VerificationCache<ProvenanceFact | undefined>,
  packument: Packument,
  version: string,
  records: GraphRecords,
): Promise<ProvenanceFact | undefined> {
  const manifest = packument.versions.get(version);
  if (manifest?.attested !== true) return undefined;
  // The tarball's digest, with the name and version its subject must carry as well.
  const key = `${packument.name}@${version} ${manifest.integrity ?? ''}`;
  const fact = await cache.verify(key, () =>
    check(client, packument.name, version, manifest.integrity),
  );
  const versionKey = npmVersionKey(packument.name, version);
  if (fact === undefined) {
    cache.delete(key); // a registry failure is retried by the next run that asks
    records.node('Version', versionKey, {
      provenanceReason: 'the attestations could not be fetched from the registry',
    });
    return undefined;
  }
  records.node('Version', versionKey, factProps(fact));
  return fact;
}

/** HOSTED_AT {verified: true, evidence: 'provenance'} when the build's repository is the one claimed. */
function linkVerified(records: GraphRecords, packument: Packument, fact: ProvenanceFact): void {
  const latest = packument.distTags.get('latest');
  const field =
    packument.repository ??
    (latest === undefined ? undefined : packument.versions.get(latest)?.repository);
  const claimed = field === undefined ? undefined : parseRepository(field.url)?.key;
  const built = repositoryKeyOf(fact.repository);
  if (claimed === undefined || built === undefined || claimed !== built) return;
  records.relationship('HOSTED_AT', npmPackageKey(packument.name), claimed, {
    verified: true,
    evidence: 'provenance',
  });
}

/**
 * npm provenance checked, not taken on trust (issue 17): for a resolved version whose packument
 * names attestations, and, when it has no verified provenance, for the releases it is compared
 * with (the one before it, and the settled one "provenance dropped" compares it with),
 * the bundles are fetched from the configured registry (never from a URL the document gives) and
 * verified against the shipped Sigstore trusted root (`ingest/provenance/`). The version records
 * what was proven, or why nothing was; a verified build from the repository the package names
 * makes that link verified. Facts are cached by tarball digest, so a digest is verified once per
 * process, however many runs or roots reach it. This runs in the job handler: on the in-process
 * queue, and in each BullMQ worker.
 */
import semver from 'semver';
import { FLAG_PARAMS } from '../trust/flag-params.js';
import { npmPackageKey, npmVersionKey } from './identity.js';
import { cachesByOwner, type ProvenanceFact, type SigstoreOptions } from './provenance/index.js';
import { verifyNpmOffThread } from './provenance/verify-pool.js';
import { GraphRecords } from './records.js';
import { verificationTrust } from './verification-trust.js';
import type { Packument } from './sources/npm/packument.js';
import type { RegistryClient } from './sources/npm/registry-client.js';
import { parseRepository } from './sources/repository-url.js';
import { factProps, repositoryKeyOf } from './provenance-props.js';
import { checkedDigest, type RememberedFact, type RememberedFacts } from './provenance-memory.js';

/** A check's outcome, and whether it was a fact an earlier run stored (then it is not written again). */
interface Checked {
  fact: ProvenanceFact | Unknown;
  fromStore: boolean;
}

const cacheFor = cachesByOwner<Checked>();

/** The package's highest release below `version` (semver order), which the trust engine compares it with. */
export function previousRelease(packument: Packument, version: string): string | undefined {
  let best: string | undefined;
  for (const other of packument.versions.keys()) {
    if (semver.valid(other) === null || semver.valid(version) === null) continue;
    if (semver.lt(other, version) && (best === undefined || semver.gt(other, best))) best = other;
  }
  return best;
}

/** Why nothing could be said of a version's attestations: unknown, not bad (never cached). */
interface Unknown {
  unknown: string;
}

/** What the registry's attestations for one version prove, or why they could not be read. */
async function check(
  client: RegistryClient,
  name: string,
  version: string,
  integrity: string | undefined,
  trust: SigstoreOptions,
): Promise<ProvenanceFact | Unknown> {
  if (integrity === undefined)
    return {
      verified: false,
      reason: 'the version has no dist.integrity to check a subject against',
    };
  const fetched = await client.attestations(name, version);
  if (fetched.status === 'failed')
    return { unknown: 'the attestations could not be fetched from the registry' };
  // A registry (a mirror, a proxy) may pass dist.attestations through without serving them.
  if (fetched.status === 'missing')
    return { unknown: 'the packument names attestations, but the registry serves none (404)' };
  try {
    return await verifyNpmOffThread(fetched.document, { name, version, integrity }, trust);
  } catch (error) {
    // Our verification thread failed, not the attestation: unknown, asked again by the next run.
    return { unknown: (error as Error).message.slice(0, 300) };
  }
}

/**
 * The release a change flag compares `version` with: the last one published at least a day
 * before it (`FLAG_PARAMS.settleMs`, trust/version-flags.ts), when the packument has times.
 */
export function settledRelease(packument: Packument, version: string): string | undefined {
  const at = Date.parse(packument.times?.get(version) ?? '');
  if (Number.isNaN(at)) return undefined;
  let best: { version: string; at: number } | undefined;
  for (const other of packument.versions.keys()) {
    const time = Date.parse(packument.times?.get(other) ?? '');
    if (other === version || Number.isNaN(time) || time > at - FLAG_PARAMS.settleMs) continue;
    if (best === undefined || time > best.at) best = { version: other, at: time };
  }
  return best?.version;
}

/**
 * The records of what was verified for `version`, when its packument names attestations, and,
 * when it has no verified provenance, for the releases it is compared with (the one before it in
 * version order, which own trust compares, and the settled one by time, which the flag does).
 * A fact an earlier run stored for the same digest and trust (`remembered`) is taken as it is.
 * `started`: called by `startProvenance`, whose records are dropped.
 */
export async function provenanceRecords(
  client: RegistryClient,
  packument: Packument,
  version: string,
  remembered?: RememberedFacts,
  started = false,
): Promise<GraphRecords> {
  const records = new GraphRecords();
  const compared = [previousRelease(packument, version), settledRelease(packument, version)];
  const stored = storedOnce(remembered, packument, [version, ...compared]);
  const verify = (v: string) => verifiedFact(client, packument, v, records, stored, started);
  const fact = await verify(version);
  if (fact?.verified === true) return records;
  // Only a release without verified provenance can have dropped it.
  for (const other of new Set(compared)) if (other !== undefined) await verify(other);
  return records;
}

/**
 * Starts what `provenanceRecords` verifies for `version`, without waiting and keeping no records:
 * the tree's placement pass calls it as it places a version, so the verification threads work
 * while the pass still waits for the registry, and the recording job that comes later finds the
 * facts in the cache (by digest, as ever). Its failures are the recording job's to see (it never
 * rejects; the run awaits it, so nothing outlives the run). It starts
 * nothing once half the cache is taken: on a closure larger than the cache, what it started would
 * be evicted before the job asks for it and be verified twice.
 */
export function startProvenance(
  client: RegistryClient,
  packument: Packument,
  version: string,
  remembered?: RememberedFacts,
): Promise<void> {
  if (packument.versions.get(version)?.attested !== true) return Promise.resolve();
  const cache = cacheFor(client);
  if (cache.size >= cache.maxEntries / 2) return Promise.resolve();
  return provenanceRecords(client, packument, version, remembered, true).then(
    () => undefined,
    () => undefined,
  );
}

type Stored = () => Promise<Map<string, RememberedFact>>;

/** The stored facts of these versions, read once when first asked for (a read that fails: none). */
function storedOnce(
  remembered: RememberedFacts | undefined,
  packument: Packument,
  versions: readonly (string | undefined)[],
): Stored {
  let read: Promise<Map<string, RememberedFact>> | undefined;
  return () => {
    if (remembered === undefined) return Promise.resolve(new Map());
    const keys = versions
      .filter((v): v is string => v !== undefined && packument.versions.get(v)?.attested === true)
      .map((v) => npmVersionKey(packument.name, v));
    read ??= remembered(keys).catch(() => new Map<string, RememberedFact>());
    return read;
  };
}

/**
 * Verifies one version's attestations, when its packument names some, into `records`: the fact,
 * the verified link to the repository when it is the one the package names, or (unknown) only why
 * nothing was said, leaving an earlier verdict as it was.
 */
async function verifiedFact(
  client: RegistryClient,
  packument: Packument,
  version: string,
  records: GraphRecords,
  stored: Stored,
  started: boolean,
): Promise<ProvenanceFact | undefined> {
  const manifest = packument.versions.get(version);
  if (manifest?.attested !== true) return undefined;
  const cache = cacheFor(client);
  const versionKey = npmVersionKey(packument.name, version);
  const trust = verificationTrust();
  const digest = checkedDigest(manifest.integrity ?? '', trust);
  // The tarball's digest, with the name and version its subject must carry as well.
  const key = `${packument.name}@${version} ${manifest.integrity ?? ''}`;
  const { fact, fromStore } = await cache.verify(key, async () => {
    const remembered = (await stored()).get(versionKey);
    if (remembered !== undefined && remembered.digest === digest)
      return { fact: remembered.fact, fromStore: true };
    return {
      fact: await check(client, packument.name, version, manifest.integrity, trust),
      fromStore: false,
    };
  });
  if ('unknown' in fact) {
    // Asked again by the next run; one started at placement is left for its recording job.
    if (!started) cache.delete(key);
    records.node('Version', versionKey, { provenanceUnknown: fact.unknown });
    return undefined;
  }
  // A fact taken from the store is there already; an unknown a run under other trust left is not.
  if (fromStore) records.node('Version', versionKey, { provenanceUnknown: null });
  // Only a verified fact is kept for later runs: a failure may come from what a registry served
  // (an error body, a mirror without the provenance bundle), and is checked again next time.
  else
    records.node('Version', versionKey, {
      ...factProps(fact),
      provenanceDigest: fact.verified ? digest : null,
    });
  if (fact.verified) linkVerified(records, packument, fact);
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

/**
 * Verification facts kept across runs (issue 17): a verified npm fact is stored with the digest it
 * checked and the trust and verifier it was checked with (`provenanceDigest`: "<dist.integrity>
 * <fingerprint>"), and an ingest that meets the same digest under the same trust reads the fact
 * instead of fetching and verifying the attestations again. Another digest, another trusted root
 * or keys, another verifier, or a graph written before this: verified again. Failures and
 * unknowns are never kept (a failure can come from what a registry served), nor PyPI's facts.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../graph/values.js';
import type { GraphStore } from '../graph/store.js';
import {
  PINNED_REGISTRY_KEYS,
  SHIPPED_TRUSTED_ROOT,
  type ProvenanceFact,
  type SigstoreOptions,
} from './provenance/index.js';

/**
 * Bumped whenever verification changes what it accepts or refuses: facts checked by an earlier
 * verifier are then checked again.
 */
export const VERIFIER_VERSION = 1;

const fingerprints = new WeakMap<SigstoreOptions, string>();

/** A short digest of the verifier's version and the trusted root and keys it used. */
export function trustFingerprint(options: SigstoreOptions): string {
  let fingerprint = fingerprints.get(options);
  if (fingerprint === undefined) {
    const trust = [
      VERIFIER_VERSION,
      options.trustedRoot ?? SHIPPED_TRUSTED_ROOT,
      options.keys ?? PINNED_REGISTRY_KEYS,
    ];
    fingerprint = createHash('sha256').update(JSON.stringify(trust)).digest('hex').slice(0, 16);
    fingerprints.set(options, fingerprint);
  }
  return fingerprint;
}

/** What a stored fact must have been checked for to be taken again. */
export function checkedDigest(integrity: string, options: SigstoreOptions): string {
  return `${integrity} ${trustFingerprint(options)}`;
}

export interface RememberedFact {
  digest: string;
  fact: ProvenanceFact;
}

/** The stored facts of these versions (by version key), those that say what they checked. */
export type RememberedFacts = (
  versionKeys: readonly string[],
) => Promise<Map<string, RememberedFact>>;

const text = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A row of read/version-provenance as a verified fact, or undefined when it records none. */
function factOf(row: Record<string, JsonValue>): RememberedFact | undefined {
  const digest = text(row.digest);
  if (digest === undefined || row.provenance !== true) return undefined;
  const fact: ProvenanceFact = { verified: true };
  const fields = [
    'reason',
    'repository',
    'commit',
    'workflow',
    'builder',
    'issuer',
    'logUrl',
    'integratedAt',
    'ref',
  ] as const;
  for (const field of fields) {
    const value = text(row[field]);
    if (value !== undefined) fact[field] = value;
  }
  return { digest, fact };
}

/**
 * Facts as `store` holds them. Lookups asked for in the same turn of the event loop (the ingest's
 * concurrent visits) are one read: a read per version waited behind the store's writes each time.
 */
export function rememberedIn(store: GraphStore): RememberedFacts {
  /** The read the lookups of this turn join: its keys grow until it starts. */
  let gathering: { keys: string[]; read: Promise<Map<string, RememberedFact>> } | undefined;
  const readTogether = async (keys: readonly string[]): Promise<Map<string, RememberedFact>> => {
    const facts = new Map<string, RememberedFact>();
    for (const row of await store.read('version-provenance', { keys: [...new Set(keys)] })) {
      const key = text(row.key);
      const remembered = factOf(row);
      if (key !== undefined && remembered !== undefined) facts.set(key, remembered);
    }
    return facts;
  };
  return async (versionKeys) => {
    const mine = new Map<string, RememberedFact>();
    if (versionKeys.length === 0) return mine;
    if (gathering === undefined) {
      const keys: string[] = [];
      const read = new Promise((resolve) => setImmediate(resolve)).then(() => {
        gathering = undefined;
        return readTogether(keys);
      });
      gathering = { keys, read };
    }
    gathering.keys.push(...versionKeys);
    const all = await gathering.read;
    for (const key of versionKeys) {
      const fact = all.get(key);
      if (fact !== undefined) mine.set(key, fact);
    }
    return mine;
  };
}

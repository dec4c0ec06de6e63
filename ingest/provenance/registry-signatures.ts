/**
 * npm registry signatures (`dist.signatures`): ECDSA P-256 over SHA-256 of
 * `${name}@${version}:${integrity}`, by a key of npm's named by `keyid`, which must not have
 * expired when the version was published.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PINNED_REGISTRY_KEYS } from './registry-keys.js';
import type { RegistryKey, SignatureFact } from './types.js';
import { isRecord, own } from '../untrusted.js';

/** More signatures than a version has ever carried; the rest are not looked at. */
const MAX_SIGNATURES = 8;
const MAX_FIELD = 512;

const publicKeys = new WeakMap<RegistryKey, KeyObject | null>();

function publicKeyOf(key: RegistryKey): KeyObject | null {
  let found = publicKeys.get(key);
  if (found === undefined) {
    try {
      found = createPublicKey({ key: Buffer.from(key.key, 'base64'), format: 'der', type: 'spki' });
    } catch {
      found = null;
    }
    publicKeys.set(key, found);
  }
  return found;
}

function text(record: Record<string, unknown>, field: string): string | undefined {
  const value = own(record, field);
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD
    ? value
    : undefined;
}

/** `dist.signatures` of a packument version (hostile), over `${name}@${version}:${integrity}`. */
export function verifyRegistrySignatures(
  signatures: unknown,
  subject: { name: string; version: string; integrity: string; publishedAt?: string },
  options: { keys?: RegistryKey[] } = {},
): SignatureFact {
  if (!Array.isArray(signatures) || signatures.length === 0)
    return { verified: false, reason: 'the version carries no registry signature' };
  const keys = options.keys ?? PINNED_REGISTRY_KEYS;
  const message = Buffer.from(`${subject.name}@${subject.version}:${subject.integrity}`, 'utf8');
  const published = subject.publishedAt === undefined ? undefined : Date.parse(subject.publishedAt);
  let failure: SignatureFact | undefined;
  for (const entry of signatures.slice(0, MAX_SIGNATURES)) {
    if (!isRecord(entry)) continue;
    const keyid = text(entry, 'keyid');
    const sig = text(entry, 'sig');
    if (keyid === undefined || sig === undefined) continue;
    const key = keys.find((candidate) => candidate.keyid === keyid);
    if (key === undefined) {
      failure ??= { verified: false, keyid, reason: `no known npm registry key has id ${keyid}` };
      continue;
    }
    if (key.expires !== null) {
      const expires = Date.parse(key.expires);
      if (published === undefined || Number.isNaN(published)) {
        failure = {
          verified: false,
          keyid,
          reason: `the registry key ${keyid} expired on ${key.expires} and the version's publish time is unknown`,
        };
        continue;
      }
      if (published > expires) {
        failure = {
          verified: false,
          keyid,
          reason: `the registry key ${keyid} expired on ${key.expires}, before the version was published (${new Date(published).toISOString()})`,
        };
        continue;
      }
    }
    const publicKey = publicKeyOf(key);
    if (publicKey === null) {
      failure = { verified: false, keyid, reason: `the registry key ${keyid} is not a valid key` };
      continue;
    }
    let valid: boolean;
    try {
      valid = verify('sha256', message, publicKey, Buffer.from(sig, 'base64'));
    } catch {
      valid = false;
    }
    if (valid) return { verified: true, keyid };
    // One entry that fails does not hide another that holds: the next is tried.
    failure = {
      verified: false,
      keyid,
      reason: `the registry signature by ${keyid} does not match ${subject.name}@${subject.version} with integrity ${subject.integrity.slice(0, 100)}`,
    };
  }
  return failure ?? { verified: false, reason: 'the registry signatures are malformed' };
}

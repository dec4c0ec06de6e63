/**
 * The user's own copies of the verification trust, which replace the shipped ones: the npm keys
 * `trustmap provenance refresh-keys` writes and the trusted root `trustmap provenance update-root`
 * writes, both in the working folder (as trustmap.anchors.json is). Read once, validated; a bad
 * file fails loudly with its name rather than weakening verification silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError, InvalidPackageError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { HTTP_DEFAULTS, requestJson } from '../sources/http-json.js';
import { parseRegistryKeys } from './registry-keys.js';
import { parseTrustedRoot } from './trust-material.js';
import type { RegistryKey, SigstoreOptions } from './types.js';

export const LOCAL_KEYS_FILE = 'trustmap.npm-keys.json';
export const LOCAL_ROOT_FILE = 'trustmap.trusted-root.json';
/** Far larger than npm's keys (1 KiB) or the public-good root (7 KiB). */
const MAX_TRUST_BYTES = 2 ** 20;

function readJsonFile(file: string): unknown {
  const size = fs.statSync(file).size;
  if (size > MAX_TRUST_BYTES)
    throw new InvalidInputError(`${file} is ${size} bytes, over the ${MAX_TRUST_BYTES}-byte limit`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${file} is not JSON`, { cause: error });
  }
}

/** A trusted root from a file, validated (update-root's input and the local copy). */
export function readTrustedRootFile(file: string): unknown {
  const document = readJsonFile(file);
  const parsed = parseTrustedRoot(document);
  if ('error' in parsed) throw new InvalidInputError(`${file}: ${parsed.error}`);
  return document;
}

/** npm keys from a file in the `/-/npm/v1/keys` shape, validated. */
export function readKeysFile(file: string): RegistryKey[] {
  const parsed = parseRegistryKeys(readJsonFile(file));
  if ('error' in parsed) throw new InvalidInputError(`${file}: ${parsed.error}`);
  return parsed.keys;
}

export interface LocalTrust {
  options: SigstoreOptions;
  /** Which files were used, for a log line; empty when the shipped trust is. */
  files: string[];
}

/** The local copies in `cwd` that exist, as verification options (empty: the shipped ones). */
export function localTrust(cwd: string): LocalTrust {
  const options: SigstoreOptions = {};
  const files: string[] = [];
  const keysFile = path.join(cwd, LOCAL_KEYS_FILE);
  if (fs.existsSync(keysFile)) {
    options.keys = readKeysFile(keysFile);
    files.push(keysFile);
  }
  const rootFile = path.join(cwd, LOCAL_ROOT_FILE);
  if (fs.existsSync(rootFile)) {
    options.trustedRoot = readTrustedRootFile(rootFile);
    files.push(rootFile);
  }
  return { options, files };
}

/** `GET <registry>/-/npm/v1/keys`, validated as the hostile answer it is. */
export async function fetchRegistryKeys(registry: string, logger: Logger): Promise<RegistryKey[]> {
  const url = `${registry.replace(/\/+$/, '')}/-/npm/v1/keys`;
  const answer = await requestJson(
    url,
    { headers: { accept: 'application/json' } },
    { ...HTTP_DEFAULTS, maxBytes: MAX_TRUST_BYTES, retries: 2 },
    logger,
  );
  if (answer.status === 'missing')
    throw new InvalidPackageError(`${url} answered 404: this registry publishes no signing keys`);
  const parsed = parseRegistryKeys(answer.document);
  if ('error' in parsed) throw new InvalidPackageError(`${url}: ${parsed.error}`);
  if (parsed.keys.length === 0) throw new InvalidPackageError(`${url} lists no keys`);
  return parsed.keys;
}

/** Writes `content` as pretty JSON to `file`, whole or not at all (a temporary file renamed). */
export function writeJsonFile(file: string, content: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(content, null, 2) + '\n');
  fs.renameSync(temporary, file);
}

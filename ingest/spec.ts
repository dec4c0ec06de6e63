/**
 * What a user passes to `trustmap ingest`: `npm:<name>[@<version|range|tag>]`, a package URL
 * `pkg:npm/<name>[@<version>]`, or the path of a lockfile or an SBOM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { InvalidInputError } from '../errors.js';
import { assertNpmName } from './identity.js';
import { isSbom } from './roots/sbom.js';
import { parseNameSpec } from './sources/npm/spec.js';

export type RootSpec =
  | { kind: 'npm'; input: string; name: string; spec: string }
  | { kind: 'lockfile'; input: string; path: string };

export const LOCKFILE_NAMES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
];

/** SBOMs are recognised by content: a `.json` file that is CycloneDX or SPDX. */
export function isSbomFile(file: string): boolean {
  if (!file.endsWith('.json') || fs.statSync(file).size > MAX_SBOM_BYTES) return false;
  try {
    return isSbom(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return false;
  }
}

export const MAX_SBOM_BYTES = 256 * 2 ** 20;

export function parseRootSpec(input: string, cwd: string): RootSpec {
  if (input.startsWith('npm:')) {
    const rest = input.slice(4);
    let parsed;
    try {
      parsed = parseNameSpec(rest);
    } catch (error) {
      throw new InvalidInputError(`"${input}" is not npm:<name>[@<version|range|tag>]`, {
        cause: error,
      });
    }
    if (parsed.name === undefined || !['range', 'version', 'tag'].includes(parsed.type)) {
      throw new InvalidInputError(`"${input}" is not npm:<name>[@<version|range|tag>]`);
    }
    return {
      kind: 'npm',
      input,
      name: assertNpmName(parsed.name),
      spec: parsed.fetchSpec === '' ? '*' : parsed.fetchSpec,
    };
  }
  if (input.startsWith('pkg:')) {
    let purl: PackageURL;
    try {
      purl = PackageURL.fromString(input);
    } catch (error) {
      throw new InvalidInputError(`"${input}" is not a valid package URL`, { cause: error });
    }
    if (purl.type !== 'npm') {
      throw new InvalidInputError(`"${input}": only pkg:npm/ package URLs can be ingested so far`);
    }
    const name = purl.namespace == null ? purl.name : `${purl.namespace}/${purl.name}`;
    return { kind: 'npm', input, name: assertNpmName(name), spec: purl.version ?? '*' };
  }
  const file = path.resolve(cwd, input);
  if (LOCKFILE_NAMES.includes(path.basename(file)) || fs.existsSync(file)) {
    if (!fs.existsSync(file)) throw new InvalidInputError(`${input}: no such file`);
    if (!LOCKFILE_NAMES.includes(path.basename(file)) && !isSbomFile(file)) {
      throw new InvalidInputError(
        `${input}: not a lockfile trustmap reads (${LOCKFILE_NAMES.join(', ')}) nor a CycloneDX or SPDX JSON SBOM`,
      );
    }
    return { kind: 'lockfile', input, path: file };
  }
  throw new InvalidInputError(
    `"${input}" is not a spec: use npm:<name>[@<range>], pkg:npm/<name>[@<version>] or a lockfile path`,
  );
}

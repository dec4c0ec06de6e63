/**
 * What a user passes to `trustmap ingest`: `npm:<name>[@<version|range|tag>]`, a package URL
 * `pkg:npm/<name>[@<version>]`, or the path of a lockfile or an SBOM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { InvalidInputError } from '../core/errors.js';
import { assertNpmName } from './identity.js';
import { PYTHON_LOCKFILES } from './roots/python-lockfile.js';
import { isSbom } from './roots/sbom.js';
import { parseNameSpec } from './sources/npm/spec.js';
import { parseRequirement, type Requirement } from './sources/pypi/requirement.js';

export type RootSpec =
  | { kind: 'npm'; input: string; name: string; spec: string }
  | { kind: 'lockfile'; input: string; path: string }
  | { kind: 'pypi'; input: string; requirement: Requirement }
  | {
      kind: 'requirements';
      input: string;
      path: string;
      /** `-r` includes must stay inside this folder (an uploaded file's). */
      confine?: string;
    }
  | { kind: 'pylock'; input: string; path: string };

/** `requirements.txt`, `requirements-dev.txt`, `requirements/base.in`, ... */
const REQUIREMENTS_FILE = /^requirements([-._][\w.-]*)?\.(txt|in)$|^[\w.-]+\.in$/;

function pypiRoot(input: string): RootSpec {
  const rest = input.startsWith('pypi:') ? input.slice(5) : input;
  const at = rest.indexOf('@');
  let line = rest;
  if (at > 0) {
    const spec = rest.slice(at + 1).trim();
    // A bare version pins it; anything else is a PEP 440 specifier.
    line = `${rest.slice(0, at)}${/^[0-9]/.test(spec) ? `==${spec}` : spec}`;
  }
  let requirement: Requirement | undefined;
  try {
    requirement = parseRequirement(line);
  } catch (error) {
    throw new InvalidInputError(`"${input}" is not pypi:<name>[@<version|specifier>]`, {
      cause: error,
    });
  }
  if (requirement === undefined)
    throw new InvalidInputError(`"${input}" is not pypi:<name>[@<version|specifier>]`);
  return { kind: 'pypi', input, requirement };
}

export const LOCKFILE_NAMES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
];

/**
 * Whether a file of this name may be a root: a lockfile, a Python lockfile, a requirements file,
 * or a `.json` file (an SBOM, recognised by its content). Names only, no folders.
 */
export function isRootFileName(name: string): boolean {
  return (
    /^[A-Za-z0-9][\w.-]{0,99}$/.test(name) &&
    (LOCKFILE_NAMES.includes(name) ||
      PYTHON_LOCKFILES.includes(name) ||
      REQUIREMENTS_FILE.test(name) ||
      name.endsWith('.json'))
  );
}

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
  if (input.startsWith('pypi:')) return pypiRoot(input);
  if (input.startsWith('pkg:')) {
    let purl: PackageURL;
    try {
      purl = PackageURL.fromString(input);
    } catch (error) {
      throw new InvalidInputError(`"${input}" is not a valid package URL`, { cause: error });
    }
    if (purl.type === 'pypi')
      return pypiRoot(`pypi:${purl.name}${purl.version == null ? '' : `@${purl.version}`}`);
    if (purl.type !== 'npm') {
      throw new InvalidInputError(
        `"${input}": only pkg:npm/ and pkg:pypi/ package URLs can be ingested so far`,
      );
    }
    const name = purl.namespace == null ? purl.name : `${purl.namespace}/${purl.name}`;
    return { kind: 'npm', input, name: assertNpmName(name), spec: purl.version ?? '*' };
  }
  const file = path.resolve(cwd, input);
  if (
    LOCKFILE_NAMES.includes(path.basename(file)) ||
    PYTHON_LOCKFILES.includes(path.basename(file)) ||
    REQUIREMENTS_FILE.test(path.basename(file)) ||
    fs.existsSync(file)
  ) {
    if (!fs.existsSync(file)) throw new InvalidInputError(`${input}: no such file`);
    if (REQUIREMENTS_FILE.test(path.basename(file)))
      return { kind: 'requirements', input, path: file };
    if (PYTHON_LOCKFILES.includes(path.basename(file)))
      return { kind: 'pylock', input, path: file };
    if (!LOCKFILE_NAMES.includes(path.basename(file)) && !isSbomFile(file)) {
      throw new InvalidInputError(
        `${input}: not a lockfile trustmap reads (${[...LOCKFILE_NAMES, ...PYTHON_LOCKFILES].join(', ')}) nor a CycloneDX or SPDX JSON SBOM`,
      );
    }
    return { kind: 'lockfile', input, path: file };
  }
  throw new InvalidInputError(
    `"${input}" is not a spec: use npm:<name>[@<range>], pypi:<name>[@<version|specifier>], a package URL, or the path of a lockfile, requirements file or SBOM`,
  );
}

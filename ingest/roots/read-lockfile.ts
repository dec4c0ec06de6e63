/**
 * Reads a lockfile or SBOM (npm, pnpm, yarn, CycloneDX, SPDX) from disk into a `Lockfile`, size
 * capped; map-lockfile.ts turns it into records and jobs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../core/errors.js';
import type { Lockfile } from './lockfile.js';
import { stringMap } from '../untrusted.js';
import { readNpmLockfile } from './npm-lockfile.js';
import { isSbom, readSbom } from './sbom.js';
import { readPnpmLockfile } from './pnpm-lockfile.js';
import { readYarnLockfile, type ProjectManifest } from './yarn-lockfile.js';

/** The package.json beside a lockfile, if there is one: the project's name and dependencies. */
export function manifestBeside(file: string): ProjectManifest | undefined {
  const manifest = path.join(path.dirname(file), 'package.json');
  if (!fs.existsSync(manifest)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${manifest} is not JSON`, { cause: error });
  }
  const record = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  return {
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.version === 'string' ? { version: record.version } : {}),
    dependencies: stringMap(record.dependencies),
    devDependencies: stringMap(record.devDependencies),
    optionalDependencies: stringMap(record.optionalDependencies),
  };
}

function withProject(lockfile: Lockfile, manifest: ProjectManifest | undefined): Lockfile {
  return { ...lockfile, project: { name: manifest?.name, version: manifest?.version } };
}

const MAX_LOCKFILE_BYTES = 256 * 2 ** 20;

/**
 * Reads a lockfile or SBOM. Whatever is wrong with it is an `InvalidInputError` naming the file:
 * the readers say what they refuse, and any other fault of ours the file brings out is named so
 * too (with its cause), never a bare TypeError.
 */
export function readLockfile(file: string): Lockfile {
  try {
    return readAnyLockfile(file);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${file} cannot be read: ${why}`, { cause: error });
  }
}

function readAnyLockfile(file: string): Lockfile {
  const size = fs.statSync(file).size;
  if (size > MAX_LOCKFILE_BYTES)
    throw new InvalidInputError(`${file} is over ${MAX_LOCKFILE_BYTES} bytes`);
  const content = fs.readFileSync(file, 'utf8');
  const base = path.basename(file);
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json')
    return readNpmLockfile(content, file);
  if (base === 'pnpm-lock.yaml')
    return withProject(readPnpmLockfile(content, file), manifestBeside(file));
  if (base === 'yarn.lock') return readYarnLockfile(content, file, manifestBeside(file));
  if (base.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(content);
    } catch (error) {
      throw new InvalidInputError(`${file} is not JSON`, { cause: error });
    }
    if (isSbom(doc)) return readSbom(doc, file);
  }
  throw new InvalidInputError(`${file}: not a lockfile or SBOM trustmap reads`);
}

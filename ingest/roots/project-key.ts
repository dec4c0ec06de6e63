/**
 * The key of the project a root file stands for: the package URL of the release it locks when the
 * file (or the manifest beside it) names one, else `project:<folder>`. Pure: names in, key out.
 */
import path from 'node:path';
import { assertNpmName, keyThatFits, npmVersionKey } from '../identity.js';
import { pypiVersionKey } from '../sources/pypi/map-release.js';
import type { Lockfile } from './lockfile.js';
import type { PythonLock } from './python-lockfile.js';

/** `project:<folder>`, for a project known only by the folder its file is in. */
export function folderProjectKey(file: string): string {
  return `project:${path.basename(path.dirname(file))}`;
}

function validName(name: string | undefined): name is string {
  if (name === undefined) return false;
  try {
    assertNpmName(name);
    return true;
  } catch {
    return false;
  }
}

/** The key of the project an npm lockfile or SBOM locks. */
export function projectKey(lockfile: Lockfile, file: string): string {
  const name = lockfile.project.name;
  const version = lockfile.project.version ?? '0.0.0-unversioned';
  // A name or version no key can hold (a lone surrogate; 256 CJK characters encode to 2,304):
  // the project is named by its folder instead.
  const key =
    validName(name) && version.length <= 256
      ? keyThatFits(() => npmVersionKey(name, version))
      : undefined;
  return key ?? folderProjectKey(file);
}

/** The key of the project a Python lockfile locks. */
export function pythonProjectKey(lock: PythonLock, file: string): string {
  const { name, version = '0.0.0' } = lock.project;
  const key =
    name !== undefined && version.length <= 256
      ? keyThatFits(() => pypiVersionKey(name, version))
      : undefined;
  return key ?? folderProjectKey(file);
}

/**
 * requirements.txt (and pip-tools' .in files) as a root, parsed by pip-requirements-js: pins and
 * ranges become PEP 508 requirements of the project; `-r` includes are followed (relative to the
 * including file, each once); constraints files (`-c`) and URL requirements are left out and
 * counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePipRequirementsFile } from 'pip-requirements-js';
import { InvalidInputError } from '../../core/errors.js';
import { normaliseName, type Requirement } from '../sources/pypi/requirement.js';

const MAX_BYTES = 16 * 2 ** 20;

export interface RequirementsFile {
  requirements: Requirement[];
  /** Constraints files and URL requirements, which are not followed. */
  skipped: string[];
  files: string[];
}

/**
 * Reads a requirements file and its includes. With `confine`, an include outside that folder is
 * refused (an uploaded file must not make the server read its other files).
 */
export function readRequirements(
  file: string,
  seen = new Set<string>(),
  confine?: string,
): RequirementsFile {
  const out: RequirementsFile = { requirements: [], skipped: [], files: [] };
  const real = path.resolve(file);
  // Inside an upload, files are named relative to it: never the server's own folders.
  const shown = confine === undefined ? file : path.relative(confine, real);
  if (confine !== undefined) {
    if (shown === '' || shown.startsWith('..') || path.isAbsolute(shown))
      throw new InvalidInputError(
        `${path.basename(file)}: includes outside the upload are not read`,
      );
  }
  if (seen.has(real)) return out;
  seen.add(real);
  if (!fs.existsSync(real)) throw new InvalidInputError(`${shown}: no such file`);
  if (fs.statSync(real).size > MAX_BYTES)
    throw new InvalidInputError(`${shown} is over ${MAX_BYTES} bytes`);
  out.files.push(real);
  let parsed;
  try {
    parsed = parsePipRequirementsFile(fs.readFileSync(real, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${shown} is not a requirements file pip would read`, {
      cause: error,
    });
  }
  for (const entry of parsed) {
    if (entry.type === 'RequirementsFile') {
      const included = readRequirements(
        path.resolve(path.dirname(real), entry.path),
        seen,
        confine,
      );
      out.requirements.push(...included.requirements);
      out.skipped.push(...included.skipped);
      out.files.push(...included.files);
    } else if (entry.type === 'ProjectName') {
      out.requirements.push({
        name: normaliseName(entry.name),
        extras: (entry.extras ?? []).map(normaliseName),
        specifier: (entry.versionSpec ?? []).map((s) => `${s.operator}${s.version}`).join(','),
        marker: entry.environmentMarkerTree,
      });
    } else if (entry.type === 'ConstraintsFile') out.skipped.push(`-c ${entry.path}`);
    else out.skipped.push(`${entry.name} @ ${entry.url}`);
  }
  return out;
}

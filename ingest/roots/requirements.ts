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
import {
  MAX_REQUIREMENT_LINE,
  projectRequirement,
  type Requirement,
} from '../sources/pypi/requirement.js';

/**
 * The largest requirements file read: about 8,000 requirements. Its parser takes about 12 us and
 * 2 KiB of memory a character (256 KiB: 3 s and 535 MiB; 4 MiB ran a process out of memory), so a
 * larger file is refused before it is parsed, as is a longer line than a requirement can be.
 */
const MAX_BYTES = 256 * 2 ** 10;

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
  const text = fs.readFileSync(real, 'utf8');
  const long = text.split('\n').findIndex((line) => line.length > MAX_REQUIREMENT_LINE);
  if (long >= 0)
    throw new InvalidInputError(
      `${shown}: line ${long + 1} is over ${MAX_REQUIREMENT_LINE} characters, longer than a requirement is`,
    );
  let parsed;
  try {
    parsed = parsePipRequirementsFile(text);
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
      try {
        out.requirements.push(projectRequirement(entry));
      } catch (error) {
        throw new InvalidInputError(`${shown}: ${(error as Error).message}`, { cause: error });
      }
    } else if (entry.type === 'ConstraintsFile') out.skipped.push(`-c ${entry.path}`);
    else out.skipped.push(`${entry.name} @ ${entry.url}`);
  }
  return out;
}

/**
 * requirements.txt (and pip-tools' .in files) as a root, its lines read as pip reads them
 * (pip-lines.ts: continuations, comments, options such as `--hash`) and each requirement parsed by
 * pip-requirements-js: pins and ranges become PEP 508 requirements of the project; `-r` includes
 * are followed (relative to the including file, each once); constraints files (`-c`), editables
 * (`-e`), URL and archive requirements are left out and listed, and so are the options that would
 * change where pip looks or which release it takes (`--index-url`, `--pre`, ...).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../core/errors.js';
import { parseRequirement, type Requirement } from '../sources/pypi/requirement.js';
import { logicalLines, splitLine } from './pip-lines.js';

/**
 * The largest requirements file read (a pip-compile file with hashes is mostly hashes), and the
 * most lines of requirements and options in it. Each requirement goes through the PEP 508 parser,
 * which takes 0.1-0.2 ms a short requirement (and more with its length: see
 * MAX_REQUIREMENT_LINE), so 10,000 of them take one or two seconds.
 */
const MAX_BYTES = 4 * 2 ** 20;
const MAX_LINES = 10_000;

/** The options of one requirement: they choose its files, not its release. */
const REQUIREMENT_OPTIONS = new Set(['--hash', '--config-settings', '--global-option']);
/** Options that would change where pip looks or which release it takes, reported as not applied. */
const NOT_APPLIED = new Set([
  '--index-url',
  '--extra-index-url',
  '--no-index',
  '--find-links',
  '--pre',
  '--prefer-binary',
  '--only-binary',
  '--no-binary',
]);

export interface RequirementsFile {
  requirements: Requirement[];
  /** What is not followed: constraints files, editables, URL requirements, options not applied. */
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
  const lines = logicalLines(fs.readFileSync(real, 'utf8'));
  if (lines.length > MAX_LINES)
    throw new InvalidInputError(`${shown} has over ${MAX_LINES} requirements and options`);
  for (const { line, text } of lines) {
    const where = `${shown}:${line}`;
    const { requirement, options } = splitLine(where, text);
    if (requirement !== '') {
      const followed = readRequirement(where, requirement);
      if (followed === undefined) out.skipped.push(shownText(requirement));
      else out.requirements.push(followed);
      const global = options.find((o) => !REQUIREMENT_OPTIONS.has(o.name));
      if (global !== undefined)
        throw new InvalidInputError(`${where}: ${global.name} is not an option of a requirement`);
      continue;
    }
    for (const { name, value = '' } of options) {
      if (name === '--requirement') {
        const included = readRequirements(path.resolve(path.dirname(real), value), seen, confine);
        out.requirements.push(...included.requirements);
        out.skipped.push(...included.skipped);
        out.files.push(...included.files);
      } else if (name === '--constraint') out.skipped.push(`-c ${shownText(value)}`);
      else if (name === '--editable') out.skipped.push(`-e ${shownText(value)}`);
      // Where pip would look, or which releases it would take: not what trustmap reads. The
      // value is not repeated (an index URL may hold a token).
      else if (NOT_APPLIED.has(name)) out.skipped.push(`${name} (not applied)`);
    }
  }
  return out;
}

/**
 * A requirement line's requirement, or undefined for one that is not followed: a URL requirement
 * (`name @ url`), or an archive or project named by a URL or a path (`./dist/x.whl`).
 */
function readRequirement(where: string, text: string): Requirement | undefined {
  try {
    return parseRequirement(text);
  } catch (error) {
    if (ARCHIVE_OR_PATH.test(text)) return undefined;
    throw new InvalidInputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}
const ARCHIVE_OR_PATH =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/|~)|\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tar)$/i;

/** Text of the file as a message shows it: capped, and a URL's credentials left out. */
function shownText(text: string): string {
  return text.slice(0, 200).replace(/\/\/[^/@\s]*@/g, '//…@');
}

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
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InvalidInputError } from '../../core/errors.js';
import {
  MAX_REQUIREMENT_LINE,
  parseRequirement,
  type Requirement,
} from '../sources/pypi/requirement.js';
import { shownText } from '../untrusted.js';
import { logicalLines, splitLine, type SplitLine } from './pip-lines.js';

/**
 * The largest requirements file read (a pip-compile file with hashes is mostly hashes), and the
 * most lines of requirements and options in it. Each requirement goes through the PEP 508 parser,
 * which takes 0.1-0.2 ms a short requirement (and more with its length: see
 * MAX_REQUIREMENT_LINE), so 10,000 of them take one or two seconds.
 */
const MAX_BYTES = 4 * 2 ** 20;
const MAX_LINES = 10_000;
/**
 * The most requirement text a file gives the parser: 1.3-1.9 s of it for requirements as real files
 * have them, and 4.2-5.9 s for markers crafted in 90 nested parentheses (bench/requirements.ts).
 */
const MAX_REQUIREMENT_TEXT = 512 * 2 ** 10;
/**
 * The time after which reading a file (splitting its lines, parsing its requirements) lets other
 * work run, at the next line: an uploaded file is read in the API server's process, which goes on
 * answering while it reads one (seconds at the limits).
 */
const SLICE_MS = 20;

/** Options that would change where pip looks or which release it takes, reported as not applied. */
const NOT_APPLIED = new Set([
  '--index-url',
  '--extra-index-url',
  '--no-index',
  '--find-links',
  '--pre',
  '--all-releases',
  '--only-final',
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
 * Reads a requirements file and its includes, letting other work run every SLICE_MS. With
 * `confine`, an include outside that folder is refused (an uploaded file must not make the server
 * read its other files).
 */
export function readRequirements(file: string, confine?: string): Promise<RequirementsFile> {
  return readOne(file, new Set(), confine, slices());
}

/** One file of `readRequirements`, its includes read in turn; `pause` is the whole read's clock. */
async function readOne(
  file: string,
  seen: Set<string>,
  confine: string | undefined,
  pause: () => Promise<void>,
): Promise<RequirementsFile> {
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
  const lines = logicalLines(decode(fs.readFileSync(real), shown), MAX_LINES);
  if (lines.length > MAX_LINES)
    throw new InvalidInputError(`${shown} has over ${MAX_LINES} requirements and options`);
  const split: ({ where: string } & SplitLine)[] = [];
  for (const { line, text } of lines) {
    await pause();
    const where = `${shown}:${line}`;
    split.push({ where, ...splitLine(where, text) });
  }
  // What the PEP 508 parser will be given, measured before it is given any.
  const parsed = split.reduce((sum, { requirement }) => sum + requirement.length, 0);
  if (parsed > MAX_REQUIREMENT_TEXT)
    throw new InvalidInputError(
      `${shown} has over ${MAX_REQUIREMENT_TEXT} characters of requirements`,
    );
  for (const { where, requirement, options } of split) {
    await pause();
    // On a requirement's line, only its own options (--hash, ...) count, as in pip; they choose
    // its files, not its release.
    if (requirement !== '') {
      const followed = readRequirement(where, requirement);
      if (followed === undefined) out.skipped.push(shownText(requirement));
      else out.requirements.push(followed);
      continue;
    }
    const value = (name: string): string | undefined => options.find((o) => o.name === name)?.value;
    // An editable is a requirement's line to pip: its other options are not read.
    const editable = value('--editable');
    if (editable !== undefined) {
      out.skipped.push(`-e ${shownText(editable)}`);
      continue;
    }
    // pip includes one file a line: the first -r, or else the first -c.
    const include = value('--requirement');
    if (include !== undefined) {
      if (URL_SCHEME.test(include)) out.skipped.push(`-r ${shownText(include)}`);
      else {
        const included = await readOne(
          path.resolve(path.dirname(real), include),
          seen,
          confine,
          pause,
        );
        out.requirements.push(...included.requirements);
        out.skipped.push(...included.skipped);
        out.files.push(...included.files);
      }
    } else {
      const constraint = value('--constraint');
      if (constraint !== undefined) out.skipped.push(`-c ${shownText(constraint)}`);
    }
    // Where pip would look, or which releases it would take: not what trustmap reads. The value
    // is not repeated (an index URL may hold a token).
    for (const { name } of options)
      if (NOT_APPLIED.has(name)) out.skipped.push(`${name} (not applied)`);
  }
  return out;
}

/** Resolves at once, or on the event loop's next turn once SLICE_MS have passed since the last. */
function slices(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since <= SLICE_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * A requirement line's requirement, or undefined for one that is not followed: a URL requirement
 * (`name @ url`), or what pip takes for an archive or a project named by a URL or a path
 * (`./dist/x.whl`, `.`, `libs/mylib`, `foo-1.0.tar.gz`), which it tells before it reads a name.
 */
function readRequirement(where: string, text: string): Requirement | undefined {
  if (text.length <= MAX_REQUIREMENT_LINE && pathOrUrl(text)) return undefined;
  try {
    return parseRequirement(text);
  } catch (error) {
    if (text.length <= MAX_REQUIREMENT_LINE && URL_REQUIREMENT.test(text)) return undefined;
    throw new InvalidInputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * pip's `parse_req_from_line`: the markers off (after `; ` for a URL, `;` otherwise), a URL or a
 * path (a separator in it, or a leading `.`), or an archive's name (its extras off) unless the part
 * before an `@` is not a path (a URL requirement, `name @ url`).
 */
function pathOrUrl(text: string): boolean {
  const url = URL_SCHEME.test(text);
  const head = text.split(url ? '; ' : ';')[0]?.trim() ?? '';
  if (url || PATH.test(head)) return true;
  const at = head.indexOf('@');
  return ARCHIVE.test(head.replace(EXTRAS, '')) && (at < 0 || PATH.test(head.slice(0, at)));
}
/** pip's SCHEME_RE, and any other scheme (trustmap fetches no file a requirements file names). */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const PATH = /[\\/]|^\./;
const EXTRAS = /\[[^\]]*\]$/;
/** pip's archive extensions, as its `splitext` takes them (`.tar.zip` is none). */
const ARCHIVE = /(?<!\.tar)\.(?:whl|zip|tar|tgz|tbz|txz|tlz)$|\.tar\.(?:gz|bz2|xz|lz|lzma)$/i;
/** `name @ url`, `name[extra] @ url ; marker`: a PEP 508 URL requirement the parser did not take. */
const URL_REQUIREMENT = /^[a-z0-9][a-z0-9._-]*(?:\[[^\]]*\])? ?@ ?[a-z][a-z0-9+.-]*:/i;

/**
 * A file's text as pip reads it: UTF-16 when it starts with that BOM, else UTF-8 (a BOM dropped).
 * Decoded by Buffer, not TextDecoder, whose UTF-16BE needs a Node built with full ICU.
 */
function decode(bytes: Buffer, shown: string): string {
  const bom = (...start: number[]): boolean => start.every((byte, i) => bytes[i] === byte);
  if (bom(0xff, 0xfe, 0, 0) || bom(0, 0, 0xfe, 0xff))
    throw new InvalidInputError(`${shown} is UTF-32, which is not read: save it as UTF-8`);
  const even = (from: number): Buffer => bytes.subarray(from, from + ((bytes.length - from) & ~1));
  if (bom(0xff, 0xfe)) return even(2).toString('utf16le');
  if (bom(0xfe, 0xff)) return Buffer.from(even(2)).swap16().toString('utf16le');
  return bytes.subarray(bom(0xef, 0xbb, 0xbf) ? 3 : 0).toString('utf8');
}

/**
 * The lines of a requirements file as pip reads them before any requirement is parsed (pip's
 * `req_file.preprocess` and `break_args_options`): a line ending in `\` goes on with the next, a
 * comment is `#` at the start or after whitespace, and a line is a requirement followed by its
 * options (`--hash=...`), or options alone (`-r base.txt`, `--index-url ...`). Only the requirement
 * goes to the PEP 508 parser (pip-requirements-js), whose grammar has no options and no
 * continuations: a pip-compile file with hashes is read as pip reads it.
 *
 * Not done, as pip does: `${VAR}` is not expanded (an uploaded file must not read the server's
 * environment), so a line that uses one is refused by the parser; option values are split on
 * whitespace, not as a shell would (no quotes); long options are not matched by a prefix.
 */
import { InvalidInputError } from '../../core/errors.js';
import { shownText } from '../untrusted.js';

/** A logical line: the number of its first physical line, and its text without the comment. */
export interface PipLine {
  line: number;
  text: string;
}

/** Python's `str.splitlines` boundaries. */
// eslint-disable-next-line no-control-regex -- they are line breaks to Python, so to pip
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
/**
 * Where pip's COMMENT_RE (`(^|\s+)#.*$`) starts a comment: at `#` at the start or after whitespace.
 * Found by a search in one pass (pip's pattern backtracks over a long run of spaces), and the same
 * once the line is trimmed.
 */
const COMMENT = /(?:^|\s)#/;
const COMMENT_LINE = /^\s*#/;

/**
 * The file's logical lines, continuations joined and comments and blank lines left out; at most
 * `max` + 1 of them (the caller refuses more, and need not wait for them all).
 */
export function logicalLines(content: string, max = Infinity): PipLine[] {
  const out: PipLine[] = [];
  const emit = (line: number, text: string): void => {
    const comment = COMMENT.exec(text);
    const kept = (comment === null ? text : text.slice(0, comment.index)).trim();
    if (kept !== '') out.push({ line, text: kept });
  };
  let pending: string[] = [];
  let first = 0;
  let index = -1;
  for (const raw of physicalLines(content)) {
    index++;
    if (out.length > max) break;
    const comment = COMMENT_LINE.test(raw);
    if (!raw.endsWith('\\') || comment) {
      // A comment ends a continuation, and stays a comment (pip puts a space before it).
      const line = comment ? ` ${raw}` : raw;
      if (pending.length === 0) emit(index + 1, line);
      else {
        pending.push(line);
        emit(first, pending.join(''));
        pending = [];
      }
    } else {
      if (pending.length === 0) first = index + 1;
      pending.push(stripBackslashes(raw));
    }
  }
  if (pending.length > 0) emit(first, pending.join(''));
  return out;
}

/** The physical lines one at a time, as `str.splitlines` cuts them (no array of them all). */
function* physicalLines(content: string): Generator<string> {
  const lineBreak = new RegExp(LINE_BREAK.source, 'g');
  let start = 0;
  for (let found = lineBreak.exec(content); found !== null; found = lineBreak.exec(content)) {
    yield content.slice(start, found.index);
    start = found.index + found[0].length;
  }
  yield content.slice(start);
}

/** pip's `line.strip("\\")`: the backslashes at both ends off (a loop: a pattern backtracks). */
function stripBackslashes(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && line[start] === '\\') start++;
  while (end > start && line[end - 1] === '\\') end--;
  return line.slice(start, end);
}

/** An option as written: its name (`-r`, `--hash`) and value (undefined for a flag). */
export interface PipOption {
  name: string;
  value: string | undefined;
}

/** The options pip takes in a requirements file (pip 26), and whether each takes a value. */
const OPTIONS = new Map<string, boolean>([
  ['-r', true],
  ['--requirement', true],
  ['-c', true],
  ['--constraint', true],
  ['-e', true],
  ['--editable', true],
  ['-i', true],
  ['--index-url', true],
  ['--extra-index-url', true],
  ['--pypi-url', true],
  ['--no-index', false],
  ['-f', true],
  ['--find-links', true],
  ['--no-binary', true],
  ['--only-binary', true],
  ['--prefer-binary', false],
  ['--require-hashes', false],
  ['--no-require-hashes', false],
  ['--pre', false],
  ['--all-releases', true],
  ['--only-final', true],
  ['--trusted-host', true],
  ['--use-feature', true],
  // Options of one requirement (`--global-option` until pip 25.3, still read).
  ['--hash', true],
  ['-C', true],
  ['--config-settings', true],
  ['--global-option', true],
]);
/** The short forms' long names, so that a caller asks for one name only. */
const LONG = new Map([
  ['-r', '--requirement'],
  ['-c', '--constraint'],
  ['-e', '--editable'],
  ['-i', '--index-url'],
  ['-f', '--find-links'],
  ['-C', '--config-settings'],
  ['--pypi-url', '--index-url'],
]);

/** A logical line's requirement ('' when it has none) and its options. */
export interface SplitLine {
  requirement: string;
  options: PipOption[];
}

/**
 * A logical line split as pip splits it: the requirement is every space-separated token before the
 * first that starts with `-`, and the rest are options, read as optparse would (`--name=value`,
 * `--name value`, `-rvalue`, `-r value`), each by its long name.
 */
export function splitLine(where: string, text: string): SplitLine {
  const tokens = text.split(' ');
  const first = tokens.findIndex((token) => token.startsWith('-'));
  const requirement = (first < 0 ? tokens : tokens.slice(0, first)).join(' ').trim();
  // The options as shlex would split them (on any whitespace; quotes are not read).
  const words = first < 0 ? [] : tokens.slice(first).join(' ').split(/\s+/).filter(Boolean);
  const options: PipOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '--') break; // optparse: the rest are arguments
    // optparse's leftover arguments (`-` is one), which pip throws away
    if (!word.startsWith('-') || word === '-') continue;
    const long = word.startsWith('--');
    const equals = long ? word.indexOf('=') : -1;
    const name = long ? (equals < 0 ? word : word.slice(0, equals)) : word.slice(0, 2);
    const takesValue = OPTIONS.get(name);
    if (takesValue === undefined)
      throw new InvalidInputError(`${where}: pip has no option ${shownText(name, 100)}`);
    let value: string | undefined;
    if (takesValue) {
      const attached = long ? (equals < 0 ? '' : word.slice(equals + 1)) : word.slice(2);
      value = attached !== '' ? attached : words[++i];
      if (value === undefined || value === '')
        throw new InvalidInputError(`${where}: ${name} needs a value`);
    } else if (equals >= 0 || (!long && word.length > 2))
      throw new InvalidInputError(`${where}: ${name} takes no value`);
    options.push({ name: LONG.get(name) ?? name, value });
  }
  return { requirement, options };
}

/**
 * Whether a text breaks off inside a JSON document: no syntax error up to its end, and the end
 * comes before the document does. A body framed only by the connection's end (no Content-Length,
 * not chunked) that reads this way was cut short; one with an error in it (an HTML page) was not.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const TOKEN = /[-+.\w]+/y;

/** What may come next: a value, a key (or `}` when `empty`), a colon, or what follows a value. */
type Expect = 'value' | 'key' | 'colon' | 'after';

export function endsInsideJson(text: string): boolean {
  const open: string[] = [];
  let expect: Expect = 'value';
  let empty = false; // just after `[` or `{`: the container may close at once
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i] ?? '')) i++;
    if (i >= text.length) return !(expect === 'after' && open.length === 0);
    const c = text[i] ?? '';
    const closer = open.at(-1) === '{' ? '}' : ']';
    if ((expect === 'after' || empty) && c === closer && open.length > 0) {
      open.pop();
      expect = 'after';
      empty = false;
      i++;
      continue;
    }
    empty = false;
    if (expect === 'after') {
      if (c !== ',' || open.length === 0) return false;
      expect = open.at(-1) === '{' ? 'key' : 'value';
      i++;
    } else if (expect === 'colon') {
      if (c !== ':') return false;
      expect = 'value';
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i + 1);
      if (end === 'invalid') return false;
      if (end === 'open') return true;
      i = end;
      expect = expect === 'key' ? 'colon' : 'after';
    } else if (expect === 'key') {
      return false;
    } else if (c === '{' || c === '[') {
      open.push(c);
      expect = c === '{' ? 'key' : 'value';
      empty = true;
      i++;
    } else {
      TOKEN.lastIndex = i;
      const token = TOKEN.exec(text)?.[0] ?? '';
      if (token === '') return false;
      const atEnd = i + token.length >= text.length;
      const complete = NUMBER.test(token) || LITERALS.includes(token);
      if (atEnd) return complete ? open.length > 0 : isTokenStart(token);
      if (!complete) return false;
      i += token.length;
      expect = 'after';
    }
  }
}

/** The index after a string's closing quote; 'open' when the text ends inside it. */
function stringEnd(text: string, from: number): number | 'open' | 'invalid' {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return 'invalid';
    if (c !== 0x5c) continue;
    const escape = text[i + 1];
    if (escape === undefined) return 'open';
    if (escape === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]*$/.test(hex)) return 'invalid';
      if (hex.length < 4) return 'open';
      i += 5;
    } else if (ESCAPES.has(escape)) i++;
    else return 'invalid';
  }
  return 'open';
}

/** Whether a number or literal cut at the end of the text could still become a valid one. */
function isTokenStart(token: string): boolean {
  if (LITERALS.some((literal) => literal.startsWith(token))) return true;
  // Completing a number prefix: a digit after a trailing sign, point or exponent marker.
  return NUMBER.test(`${token}0`) || NUMBER.test(`${token}e0`) || NUMBER.test(token);
}

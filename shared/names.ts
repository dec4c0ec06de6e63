/**
 * Display names for graph keys, the same on the server (graph labels) and in the browser
 * (details, search, panels): a purl or a prefixed key without its prefix, %-escapes decoded.
 * Isomorphic: no imports (shared/tsconfig.json has neither Node's nor the DOM's types).
 */

const PREFIXES = /^(pkg:npm\/|pkg:pypi\/|person:(npm|pypi|github):|person:|repo:|org:)/;

export function displayName(key: string): string {
  const rest = key.replace(PREFIXES, '');
  try {
    return decodeURIComponent(rest);
  } catch {
    // A registry may send any text; a malformed escape is shown as it is.
    return rest;
  }
}

/** npm's own parsing of `name@spec` (npm-package-arg), in the few fields trustmap reads. */
import npa from 'npm-package-arg';

export interface ParsedSpec {
  type: string;
  name: string | undefined;
  /** The range, version or tag npm resolves ('' for none). */
  fetchSpec: string;
  /** For an `npm:` alias: the real package and its spec. */
  alias: { name: string; spec: string } | undefined;
}

function fromResult(result: npa.Result): ParsedSpec {
  const sub = 'subSpec' in result ? (result as npa.AliasResult).subSpec : undefined;
  return {
    type: result.type,
    name: result.name ?? undefined,
    fetchSpec: result.fetchSpec ?? '',
    alias:
      sub?.name == null
        ? undefined
        : { name: sub.name, spec: sub.rawSpec === '' ? '*' : sub.rawSpec },
  };
}

/**
 * Parsed specs by `name\0spec`, or the error npm-package-arg threw. Every version of a package
 * repeats mostly the same dependency map, and parsing (URL and semver checks) dominated the
 * mapping of a packument: 21,815 versions for jest's closure. Bounded: cleared when full, and a
 * spec longer than a range ever is is parsed each time.
 */
const parsedSpecs = new Map<string, Readonly<ParsedSpec> | Error>();
const MAX_PARSED_SPECS = 100_000;
const MAX_CACHED_SPEC = 256;

/** `spec` as written for package `name` in a dependency map. Throws on a spec npm cannot parse. */
export function parseDependencySpec(name: string, spec: string): ParsedSpec {
  if (name.length + spec.length > MAX_CACHED_SPEC) return fromResult(npa.resolve(name, spec));
  const id = `${name}\u0000${spec}`;
  let parsed = parsedSpecs.get(id);
  if (parsed === undefined) {
    try {
      const result = fromResult(npa.resolve(name, spec));
      if (result.alias !== undefined) Object.freeze(result.alias);
      parsed = Object.freeze(result);
    } catch (error) {
      parsed = error instanceof Error ? error : new Error(String(error));
    }
    if (parsedSpecs.size >= MAX_PARSED_SPECS) parsedSpecs.clear();
    parsedSpecs.set(id, parsed);
  }
  if (parsed instanceof Error) throw parsed;
  return parsed;
}

/** `name@spec` as typed on a command line. Throws on one npm cannot parse. */
export function parseNameSpec(arg: string): ParsedSpec {
  return fromResult(npa(arg));
}

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

/** `spec` as written for package `name` in a dependency map. Throws on a spec npm cannot parse. */
export function parseDependencySpec(name: string, spec: string): ParsedSpec {
  return fromResult(npa.resolve(name, spec));
}

/** `name@spec` as typed on a command line. Throws on one npm cannot parse. */
export function parseNameSpec(arg: string): ParsedSpec {
  return fromResult(npa(arg));
}

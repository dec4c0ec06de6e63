// The part of @yarnpkg/lockfile (yarn classic's own parser, which ships no types) that trustmap uses.
declare module '@yarnpkg/lockfile' {
  export interface ParseResult {
    type: 'success' | 'merge' | 'conflict';
    object: Record<string, unknown>;
  }
  export function parse(content: string): ParseResult;
  const lockfile: { parse: typeof parse };
  export default lockfile;
}

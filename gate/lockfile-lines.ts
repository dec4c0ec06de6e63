/**
 * Where a package appears in a lockfile: the line a reviewer would open (SARIF regions, PR
 * annotations). npm's package-lock.json (`"node_modules/<name>": {` with its `"version"`), pnpm's
 * `pnpm-lock.yaml` (`/name@version:` or `name@version:`), yarn's `yarn.lock` (`name@range:` then
 * `version "x"`), else the first line naming it. Pure: text in, 1-based line out.
 */

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LockfileLines {
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  /** The 1-based line of `name@version`, or of `name` alone, or undefined. */
  find(name: string, version: string): number | undefined {
    return (
      this.npm(name, version) ??
      this.pnpm(name, version) ??
      this.yarn(name, version) ??
      this.named(name)
    );
  }

  private npm(name: string, version: string): number | undefined {
    const entry = new RegExp(`^\\s*"(?:[^"]*/)?node_modules/${escape(name)}": \\{\\s*$`);
    const wanted = `"version": ${JSON.stringify(version)}`;
    let first: number | undefined;
    for (let i = 0; i < this.lines.length; i++) {
      if (!entry.test(this.lines[i] as string)) continue;
      first ??= i + 1;
      // Its own "version" line, before the entry closes (the next entry is another package).
      for (let j = i + 1; j < this.lines.length; j++) {
        const line = (this.lines[j] as string).trim();
        if (line.startsWith(wanted)) return i + 1;
        if (line.startsWith('"version":') || line.startsWith('}')) break;
      }
    }
    return first;
  }

  private pnpm(name: string, version: string): number | undefined {
    const entry = new RegExp(
      `^\\s+['"]?/?${escape(name)}@${escape(version)}(\\(.*\\))?['"]?:\\s*$`,
    );
    const i = this.lines.findIndex((line) => entry.test(line));
    return i < 0 ? undefined : i + 1;
  }

  private yarn(name: string, version: string): number | undefined {
    const entry = new RegExp(`^"?${escape(name)}@`);
    const wanted = new RegExp(`^\\s+version:? "?${escape(version)}"?\\s*$`);
    for (let i = 0; i < this.lines.length; i++) {
      if (!entry.test(this.lines[i] as string)) continue;
      for (let j = i + 1; j < Math.min(this.lines.length, i + 4); j++)
        if (wanted.test(this.lines[j] as string)) return i + 1;
    }
    return undefined;
  }

  private named(name: string): number | undefined {
    const quoted = JSON.stringify(name);
    const i = this.lines.findIndex((line) => line.includes(quoted));
    return i < 0 ? undefined : i + 1;
  }
}

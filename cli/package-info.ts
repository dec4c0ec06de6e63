/** The package's own name and version, read from package.json (one folder up from cli/ or dist/cli/). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const parsed = JSON.parse(fs.readFileSync(candidate, 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (parsed.name === 'trustmap' && typeof parsed.version === 'string') return parsed.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/**
 * The built explorer (index.html and its assets): dist/client beside dist/cli, or, when running
 * from source, the repository's dist/client. Undefined when it has not been built.
 */
export function clientDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    path.join(here, '..', 'client'),
    path.join(here, '..', 'dist', 'client'),
  ])
    if (
      fs.existsSync(path.join(candidate, 'assets')) &&
      fs.existsSync(path.join(candidate, 'index.html'))
    )
      return candidate;
  return undefined;
}

/**
 * Reputation anchors: the versioned defaults in anchors.json beside this module, replaced by a
 * `trustmap.anchors.json` in the working directory, replaced by `--anchor` options.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';

export interface Anchors {
  anchors: string[];
  source: string;
}

function readAnchorFile(file: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${file} is not JSON`, { cause: error });
  }
  const list = (doc as { anchors?: unknown }).anchors;
  if (!Array.isArray(list) || !list.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new InvalidInputError(`${file} must be {"anchors": ["org:github:...", ...]}`);
  }
  return list as string[];
}

export function resolveAnchors(cwd: string, cli: readonly string[] | undefined): Anchors {
  if (cli !== undefined && cli.length > 0) return { anchors: [...cli], source: '--anchor' };
  const local = path.join(cwd, 'trustmap.anchors.json');
  if (fs.existsSync(local)) return { anchors: readAnchorFile(local), source: local };
  const defaults = path.join(path.dirname(fileURLToPath(import.meta.url)), 'anchors.json');
  return { anchors: readAnchorFile(defaults), source: 'default anchors (trust/anchors.json)' };
}

/** What every command shares: the process it talks to, its exit codes, its argument parsers. */
import { InvalidArgumentError } from 'commander';
import type { Environment } from '../core/config.js';
import { parseInstant } from '../core/instant.js';
import type { JsonValue } from '../graph/values.js';

export interface CliIo {
  /** The environment to configure from; config.ts reads the process's when this is absent. */
  env?: Environment;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit codes: 0 done, 1 done with failures or a runtime error, 2 a usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Thrown by a command to end with this exit code (after its output). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}

/** `--as-of`: an instant (core/instant.ts), not in the future. */
export function isoInstant(value: string): Date {
  const instant = parseInstant(value);
  if (instant === undefined)
    throw new InvalidArgumentError(
      'must be an ISO 8601 date or instant, e.g. 2021-10-22T12:35:00Z',
    );
  if (instant.getTime() > Date.now()) throw new InvalidArgumentError('must not be in the future');
  return instant;
}

export function parseParam(
  value: string,
  previous: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const eq = value.indexOf('=');
  if (eq < 1)
    throw new InvalidArgumentError('must be name=value (value is JSON, or else a string)');
  const name = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(raw) as JsonValue;
  } catch {
    parsed = raw;
  }
  return { ...previous, [name]: parsed };
}

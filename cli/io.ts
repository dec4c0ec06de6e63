/** What every command shares: the process it talks to, its exit codes, its argument parsers. */
import { InvalidArgumentError } from 'commander';
import type { Environment } from '../core/config.js';
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

/**
 * `--as-of`: an ISO 8601 date or instant (`2021-10-22`, `2021-10-22T12:35Z`), not in the future.
 * Without a zone it is UTC, on every machine alike; a bare date is that day's first instant
 * (00:00 UTC); a date that does not exist (`2021-02-30`) is refused, not rolled over.
 */
export function isoInstant(value: string): Date {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      value,
    );
  const instant =
    match === null
      ? undefined
      : new Date(
          `${match[1]}-${match[2]}-${match[3]}T${match[4] ?? '00'}:${match[5] ?? '00'}:${match[6] ?? '00'}${match[7] ?? ''}${match[8] ?? 'Z'}`,
        );
  const [, year, month, day] = match ?? [];
  const calendar =
    instant !== undefined &&
    new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).toISOString().slice(0, 10) ===
      `${year}-${month}-${day}`;
  if (instant === undefined || Number.isNaN(instant.getTime()) || !calendar)
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

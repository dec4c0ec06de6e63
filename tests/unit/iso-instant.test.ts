/** `--as-of` reads one instant on every machine: UTC without a zone, real dates only. */
import { afterEach, describe, expect, it } from 'vitest';
import { isoInstant } from '../../cli/io.js';

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('--as-of', () => {
  it('reads a time without a zone as UTC, whatever the machine is set to', () => {
    process.env.TZ = 'America/New_York';
    expect(isoInstant('2021-10-22T12:35').toISOString()).toBe('2021-10-22T12:35:00.000Z');
    expect(isoInstant('2021-10-22').toISOString()).toBe('2021-10-22T00:00:00.000Z');
    expect(isoInstant('2021-10-22T12:35:00+02:00').toISOString()).toBe('2021-10-22T10:35:00.000Z');
  });

  it('refuses what is not a date, a date that does not exist, and the future', () => {
    for (const bad of ['yesterday', '2021-02-30', '2021-10-22T25:00Z', '22/10/2021'])
      expect(() => isoInstant(bad), bad).toThrow(/ISO 8601/);
    expect(() => isoInstant('2999-01-01')).toThrow(/future/);
  });
});

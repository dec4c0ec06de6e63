/**
 * An instant as people write one for `--as-of` and `?asOf=`: an ISO 8601 date or instant
 * (`2021-10-22`, `2021-10-22T12:35Z`). Without a zone it is UTC, on every machine alike; a bare
 * date is that day's first instant (00:00 UTC); a date that does not exist (`2021-02-30`) is not
 * rolled over. Undefined when the text is not one.
 */
export function parseInstant(value: string): Date | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      value,
    );
  if (match === null) return undefined;
  const [, year, month, day] = match;
  const instant = new Date(
    `${year}-${month}-${day}T${match[4] ?? '00'}:${match[5] ?? '00'}:${match[6] ?? '00'}${match[7] ?? ''}${match[8] ?? 'Z'}`,
  );
  const calendar =
    new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).toISOString().slice(0, 10) ===
    `${year}-${month}-${day}`;
  return Number.isNaN(instant.getTime()) || !calendar ? undefined : instant;
}

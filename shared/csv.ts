/**
 * Tables as CSV (RFC 4180 quoting), for `trustmap query --format csv` and the explorer's export
 * alike (no imports: the client's build reads this file too). A cell that a spreadsheet would run
 * as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with a quote:
 * registry text is hostile.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (raw: string): string => {
    const safe = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [columns, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

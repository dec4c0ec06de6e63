/**
 * Whether an OSV record affects one version of a package: its explicit `versions`, or its
 * `ECOSYSTEM`/`SEMVER` ranges (introduced, then fixed or last_affected), compared the ecosystem's
 * way (semver for npm, PEP 440 for PyPI). OSV servers answer per version already; this check is
 * what lets trustmap say *why* a version is hit, and refuse an answer that does not hold.
 */
import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';
import semver from 'semver';
import { isRecord, own } from '../../untrusted.js';

export type Ecosystem = 'npm' | 'PyPI';

type Compare = (a: string, b: string) => number | undefined;

const COMPARE: Record<Ecosystem, Compare> = {
  npm: (a, b) => {
    const x = semver.valid(a, { loose: true });
    const y = semver.valid(b, { loose: true });
    return x === null || y === null ? undefined : semver.compare(x, y);
  },
  PyPI: (a, b) =>
    pep440Valid(a) === null || pep440Valid(b) === null ? undefined : pep440Compare(a, b),
};

/** PEP 503 normalisation, for comparing PyPI names. */
export function normalisePyPiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function sameName(ecosystem: Ecosystem, a: string, b: string): boolean {
  return ecosystem === 'PyPI' ? normalisePyPiName(a) === normalisePyPiName(b) : a === b;
}

/** `introduced: "0"` means every version from the first. */
function inRanges(ranges: unknown, version: string, compare: Compare): boolean {
  if (!Array.isArray(ranges)) return false;
  for (const range of ranges) {
    if (!isRecord(range)) continue;
    const type = own(range, 'type');
    if (type !== 'ECOSYSTEM' && type !== 'SEMVER') continue;
    const events = own(range, 'events');
    if (!Array.isArray(events)) continue;
    // Events are sorted by OSV's rules; each introduced opens an interval the next fixed or
    // last_affected closes.
    let open: string | undefined;
    const hit = (upper: string | undefined, inclusive: boolean): boolean => {
      if (open === undefined) return false;
      const low = open === '0' ? 1 : compare(version, open);
      if (low === undefined || low < 0) return false;
      if (upper === undefined) return true;
      const high = compare(version, upper);
      return high !== undefined && (inclusive ? high <= 0 : high < 0);
    };
    for (const event of events) {
      if (!isRecord(event)) continue;
      const introduced = own(event, 'introduced');
      const fixed = own(event, 'fixed');
      const last = own(event, 'last_affected');
      if (typeof introduced === 'string') open = introduced;
      else if (typeof fixed === 'string') {
        if (hit(fixed, false)) return true;
        open = undefined;
      } else if (typeof last === 'string') {
        if (hit(last, true)) return true;
        open = undefined;
      }
    }
    if (hit(undefined, false)) return true;
  }
  return false;
}

/** Whether `record` (an OSV document) affects `name@version` in `ecosystem`. */
export function affects(
  record: unknown,
  ecosystem: Ecosystem,
  name: string,
  version: string,
): boolean {
  if (!isRecord(record)) return false;
  const affected = own(record, 'affected');
  if (!Array.isArray(affected)) return false;
  const compare = COMPARE[ecosystem];
  for (const entry of affected) {
    if (!isRecord(entry)) continue;
    const pkg = own(entry, 'package');
    if (!isRecord(pkg)) continue;
    const theirName = own(pkg, 'name');
    if (own(pkg, 'ecosystem') !== ecosystem || typeof theirName !== 'string') continue;
    if (!sameName(ecosystem, theirName, name)) continue;
    const versions = own(entry, 'versions');
    if (Array.isArray(versions) && versions.some((v) => typeof v === 'string' && v === version))
      return true;
    if (inRanges(own(entry, 'ranges'), version, compare)) return true;
  }
  return false;
}

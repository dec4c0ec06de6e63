/**
 * An OSV record as graph records: a `Vulnerability` (`osv:<id>`) with its severity, summary and
 * whether it marks the package malicious (`MAL-` ids), `AFFECTED_BY` edges from the versions it
 * hits, and `Package {malicious: true}` for a malicious-package advisory.
 */
import { GraphRecords } from '../../records.js';
import { isRecord, own } from '../../untrusted.js';

const SEVERITIES: Record<string, string> = {
  critical: 'critical',
  high: 'high',
  moderate: 'moderate',
  medium: 'moderate',
  low: 'low',
};

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' ? value.slice(0, max) : undefined;

export function advisoryKey(id: string): string {
  return `osv:${id}`;
}

export function mapAdvisory(
  id: string,
  record: unknown,
  hits: readonly { version: string; pkg: string }[],
): GraphRecords {
  const records = new GraphRecords();
  const doc = isRecord(record) ? record : {};
  const malicious = id.startsWith('MAL-');
  const specific = own(doc, 'database_specific');
  const declared = isRecord(specific) ? own(specific, 'severity') : undefined;
  const severity =
    typeof declared === 'string'
      ? SEVERITIES[declared.toLowerCase()]
      : malicious
        ? 'critical'
        : undefined;
  const aliases = own(doc, 'aliases');
  const key = advisoryKey(id);
  records.node('Vulnerability', key, {
    id,
    summary: text(own(doc, 'summary'), 500) ?? text(own(doc, 'details'), 500) ?? null,
    severity: severity ?? null,
    malicious,
    aliases: Array.isArray(aliases)
      ? aliases
          .filter((a): a is string => typeof a === 'string')
          .slice(0, 20)
          .join(', ')
      : null,
    published: text(own(doc, 'published'), 40) ?? null,
    modified: text(own(doc, 'modified'), 40) ?? null,
    url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
  });
  for (const hit of hits) {
    records.relationship('AFFECTED_BY', hit.version, key);
    if (malicious) records.node('Package', hit.pkg, { malicious: true });
  }
  return records;
}

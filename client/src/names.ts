/** Names and words for what the explorer shows; display names come from shared/names.ts. */
export { displayName } from '../../shared/names.js';

/** The package key of a version key (`pkg:npm/a@1.0.0` → `pkg:npm/a`). */
export function packageOf(key: string): string {
  const at = key.lastIndexOf('@');
  return at > key.indexOf('/') ? key.slice(0, at) : key;
}

export function kindOf(labels: readonly string[]): string {
  const label = labels[0] ?? 'Node';
  return (
    {
      Version: 'package version',
      Package: 'package',
      Person: 'person',
      Repository: 'repository',
      Organisation: 'organisation',
      Vulnerability: 'advisory',
    }[label] ?? label
  );
}

export const score = (value: unknown, digits = 2): string =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

/** Display names for graph keys (purls, person:npm:…, repo:…, org:…). */
export function displayName(key: string): string {
  let rest = key;
  for (const prefix of ['pkg:npm/', 'pkg:pypi/', 'person:npm:', 'person:', 'repo:', 'org:'])
    if (rest.startsWith(prefix)) {
      rest = rest.slice(prefix.length);
      break;
    }
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

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

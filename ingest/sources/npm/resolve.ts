/**
 * Picks the version npm would install for a spec, as npm-pick-manifest does: a dist-tag names its
 * version; an exact version must exist; for a range, the `latest` tag wins when it satisfies the
 * range, otherwise the highest satisfying version, preferring versions that are not deprecated.
 * Prereleases match only ranges that name a prerelease of the same version (semver's rules).
 */
import semver from 'semver';
import { NoMatchingVersionError } from '../../../core/errors.js';
import type { Packument } from './packument.js';
import { parseDependencySpec, type ParsedSpec } from './spec.js';

export function pickVersion(packument: Packument, spec: string): string {
  const want = `${packument.name}@${spec}`;
  let parsed: ParsedSpec;
  try {
    parsed = parseDependencySpec(packument.name, spec);
  } catch {
    throw new NoMatchingVersionError(`${want}: "${spec}" is not a version, range or tag`);
  }
  if (parsed.alias !== undefined) return pickVersion(packument, parsed.alias.spec);
  if (parsed.type === 'tag') {
    const version = packument.distTags.get(parsed.fetchSpec);
    if (version === undefined || !packument.versions.has(version)) {
      throw new NoMatchingVersionError(`${want}: no dist-tag "${parsed.fetchSpec}"`);
    }
    return version;
  }
  if (parsed.type === 'version') {
    const wanted = semver.clean(parsed.fetchSpec, { loose: true });
    const version = [...packument.versions.keys()].find(
      // A version key that is not a version (a hostile `__proto__`) is compared as text only.
      (v) =>
        v === parsed.fetchSpec ||
        (wanted !== null && semver.valid(v, true) !== null && semver.eq(v, wanted, true)),
    );
    if (version === undefined) throw new NoMatchingVersionError(`${want}: no such version`);
    return version;
  }
  if (parsed.type !== 'range') {
    throw new NoMatchingVersionError(
      `${want}: a ${parsed.type} spec is not resolved from the registry`,
    );
  }
  const range = parsed.fetchSpec === '' ? '*' : parsed.fetchSpec;
  const latest = packument.distTags.get('latest');
  if (
    latest !== undefined &&
    packument.versions.has(latest) &&
    semver.satisfies(latest, range, { loose: true })
  ) {
    return latest;
  }
  const candidates = [...packument.versions.keys()].filter(
    (v) => semver.valid(v, true) !== null && semver.satisfies(v, range, { loose: true }),
  );
  if (candidates.length === 0)
    throw new NoMatchingVersionError(`${want}: no published version satisfies the range`);
  candidates.sort((a, b) => {
    const deprecatedA = packument.versions.get(a)?.deprecated !== undefined ? 1 : 0;
    const deprecatedB = packument.versions.get(b)?.deprecated !== undefined ? 1 : 0;
    return deprecatedA - deprecatedB || semver.rcompare(a, b, true);
  });
  return candidates[0] as string;
}

/**
 * Picks the version npm would install for a spec, as npm-pick-manifest does: a dist-tag names its
 * version; an exact version must exist; for a range, the `latest` tag wins when it satisfies the
 * range, is not deprecated and its `engines.node` accepts the Node version; otherwise the highest
 * satisfying version, preferring versions that are neither deprecated nor refused by their engines,
 * then engine-compatible ones, then ones not deprecated. Prereleases match only ranges that name a
 * prerelease of the same version (semver's rules).
 */
import semver from 'semver';
import { NoMatchingVersionError } from '../../../core/errors.js';
import type { Packument } from './packument.js';
import { parseDependencySpec, type ParsedSpec } from './spec.js';

function engineOk(engine: string | undefined, nodeVersion: string | null): boolean {
  if (engine === undefined || nodeVersion === null) return true;
  try {
    return semver.satisfies(nodeVersion, engine, { includePrerelease: true });
  } catch {
    return false;
  }
}

/**
 * @param nodeVersion the Node version `engines.node` is checked against, as npm checks the one it
 *   runs on; null to ignore engines.
 */
export function pickVersion(
  packument: Packument,
  spec: string,
  nodeVersion: string | null = process.version,
): string {
  const want = `${packument.name}@${spec}`;
  let parsed: ParsedSpec;
  try {
    parsed = parseDependencySpec(packument.name, spec);
  } catch {
    throw new NoMatchingVersionError(`${want}: "${spec}" is not a version, range or tag`);
  }
  if (parsed.alias !== undefined) return pickVersion(packument, parsed.alias.spec, nodeVersion);
  if (parsed.type === 'tag') {
    const version = packument.distTags.get(parsed.fetchSpec);
    // As of an instant, a tag on a later version: the highest version up to it (npm's --before).
    const later = packument.laterTags?.get(parsed.fetchSpec);
    if (version === undefined && later !== undefined && semver.valid(later, true) !== null)
      return pickVersion(packument, `<=${later}`, nodeVersion);
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
  const latestManifest = latest === undefined ? undefined : packument.versions.get(latest);
  if (
    latest !== undefined &&
    latestManifest !== undefined &&
    semver.satisfies(latest, range, { loose: true }) &&
    latestManifest.deprecated === undefined &&
    engineOk(latestManifest.engineNode, nodeVersion)
  ) {
    return latest;
  }
  const candidates = [...packument.versions.keys()].filter(
    (v) => semver.valid(v, true) !== null && semver.satisfies(v, range, { loose: true }),
  );
  if (candidates.length === 0)
    throw new NoMatchingVersionError(`${want}: no published version satisfies the range`);
  const rank = (v: string): { fine: number; engine: number; live: number } => {
    const manifest = packument.versions.get(v);
    const live = manifest?.deprecated === undefined ? 1 : 0;
    const engine = engineOk(manifest?.engineNode, nodeVersion) ? 1 : 0;
    return { fine: live & engine, engine, live };
  };
  const ranks = new Map(candidates.map((v) => [v, rank(v)]));
  candidates.sort((a, b) => {
    const ra = ranks.get(a) as ReturnType<typeof rank>;
    const rb = ranks.get(b) as ReturnType<typeof rank>;
    return (
      rb.fine - ra.fine || rb.engine - ra.engine || rb.live - ra.live || semver.rcompare(a, b, true)
    );
  });
  return candidates[0] as string;
}

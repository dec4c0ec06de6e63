/**
 * How a package's versions are ordered, chosen by its ecosystem: PEP 440 for PyPI (epochs,
 * pre-, post- and dev releases, local versions), semver for npm and everything else. Scoring
 * asks it which release is a package's latest and which came before another; a version its
 * ecosystem cannot read is not ordered at all (`undefined`), never guessed.
 */
import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';
import semver from 'semver';

export type VersionEcosystem = 'npm' | 'pypi';

/** Compares two version strings; `undefined` when either is not a version of the ecosystem. */
export type VersionCompare = (a: string, b: string) => number | undefined;

const COMPARE: Record<VersionEcosystem, VersionCompare> = {
  // Strict semver, as scoring always read npm versions.
  npm: (a, b) =>
    semver.valid(a) === null || semver.valid(b) === null ? undefined : semver.compare(a, b),
  pypi: (a, b) =>
    pep440Valid(a) === null || pep440Valid(b) === null ? undefined : pep440Compare(a, b),
};

/** The ecosystem of a package or version key (a purl): `pkg:pypi/...` is PyPI, the rest semver. */
export function versionEcosystem(key: string): VersionEcosystem {
  return key.startsWith('pkg:pypi/') ? 'pypi' : 'npm';
}

/** The version ordering of the package (or version) with this key. */
export function versionCompare(key: string): VersionCompare {
  return COMPARE[versionEcosystem(key)];
}

/**
 * Two packuments in the registry's shape whose closure has a release with a high change flag:
 * `flag-victim` 1.0.1 adds a preinstall script that 1.0.0 did not have (install-script-added),
 * and `flag-consumer` depends on it through a range, so the flagged release has a dependent (a
 * chokepoint row). The script text is hostile on purpose: it must come back as text.
 */
import type { FixtureRegistry } from './fixture-registry.js';

export const FLAG_CONSUMER = 'npm:flag-consumer';
export const FLAGGED_VERSION = 'pkg:npm/flag-victim@1.0.1';
export const FLAGGED_PACKAGE = 'pkg:npm/flag-victim';
export const HOSTILE_SCRIPT = 'node -e "<script>alert(1)</script>"';

const maintainer = { name: 'victim-dev', email: 'victim@example.org' };

export function addFlaggedPackuments(registry: FixtureRegistry): void {
  registry.overrides.set('flag-victim', {
    name: 'flag-victim',
    'dist-tags': { latest: '1.0.1' },
    maintainers: [maintainer],
    time: {
      created: '2019-01-01T00:00:00.000Z',
      '1.0.0': '2019-01-01T00:00:00.000Z',
      '1.0.1': '2019-06-01T00:00:00.000Z',
    },
    versions: {
      '1.0.0': {
        name: 'flag-victim',
        version: '1.0.0',
        license: 'MIT',
        maintainers: [maintainer],
        _npmUser: maintainer,
        dependencies: {},
      },
      '1.0.1': {
        name: 'flag-victim',
        version: '1.0.1',
        license: 'MIT',
        maintainers: [maintainer],
        _npmUser: maintainer,
        scripts: { preinstall: HOSTILE_SCRIPT },
        dependencies: { 'ansi-regex': '^5.0.0' },
      },
    },
  });
  registry.overrides.set('flag-consumer', {
    name: 'flag-consumer',
    'dist-tags': { latest: '2.0.0' },
    maintainers: [maintainer],
    time: { created: '2018-01-01T00:00:00.000Z', '2.0.0': '2019-07-01T00:00:00.000Z' },
    versions: {
      '2.0.0': {
        name: 'flag-consumer',
        version: '2.0.0',
        license: 'MIT',
        maintainers: [maintainer],
        _npmUser: maintainer,
        dependencies: { 'flag-victim': '^1.0.0' },
      },
    },
  });
}

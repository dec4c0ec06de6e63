/**
 * The change flags' false positives on benign history (TRUST-MODEL.md 6.1, principle 5): every
 * version of the 52 real packuments flagged as of its own upload time. At most 3% may carry a
 * high flag, and each high flag there must be a change of hands (a new account publishing or
 * added as a maintainer), which is what a reviewer would want to see even when benign.
 */
import { describe, expect, it } from 'vitest';
import { flagBenignHistory } from '../helpers/benign-history.js';

describe('benign history', () => {
  it('flags at most 3% of 1,117 real versions high, each a change of hands', async () => {
    const history = await flagBenignHistory();
    expect(history.versions).toBe(1117);
    const high = history.flagged.filter((v) => v.flags.some((f) => f.severity === 'high'));
    const rate = high.length / history.versions;
    console.info(
      `[benign] ${high.length} of ${history.versions} versions with a high flag (${(100 * rate).toFixed(2)}%)`,
    );
    expect(rate).toBeLessThanOrEqual(0.03);
    // Each is a change of hands, or a change of what runs at install (glob 2.0.7's preinstall,
    // `node-waf clean || true; node-waf configure build` where 1.1.0 ran only the build, 2011):
    // what a reviewer wants to see even when benign.
    for (const { key, flags } of high)
      for (const f of flags.filter((x) => x.severity === 'high'))
        if (f.id === 'install-script-added')
          expect(f.evidence, key).toMatch(/^changes what runs at install since /);
        else
          expect(
            ['new-publisher', 'maintainers-changed'],
            `${key}: ${f.id}: ${f.evidence}`,
          ).toContain(f.id);
  }, 180_000);
});

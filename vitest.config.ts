import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['verbose'],
    // Git may use only local transports in tests: this machine sends traffic to loopback only.
    env: { GIT_ALLOW_PROTOCOL: 'file' },
  },
});

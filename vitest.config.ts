import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['verbose'],
    // Builds the Neo4j launcher and starts one Neo4j for the run (tests/helpers/neo4j.ts); the files
    // that use it take it in turn.
    globalSetup: ['tests/helpers/neo4j-global-setup.ts'],
    // Git may use only local transports in tests: this machine sends traffic to loopback only.
    env: { GIT_ALLOW_PROTOCOL: 'file' },
  },
});

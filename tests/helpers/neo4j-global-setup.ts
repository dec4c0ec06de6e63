/**
 * vitest globalSetup: builds the Neo4j launcher once for the whole run (tests/helpers/neo4j.ts),
 * before the test files start in parallel, and hands the result to them through `provide`.
 */
import type { TestProject } from 'vitest/node';
import { buildNeo4jLauncher } from './neo4j.js';

export default async function setup(project: TestProject): Promise<void> {
  const external = process.env.NEO4J_TEST_URI;
  const launcher =
    external !== undefined && external !== ''
      ? ({
          kind: 'unavailable',
          reason: 'NEO4J_TEST_URI is set: the tests use that server',
        } as const)
      : await buildNeo4jLauncher();
  if (launcher.kind === 'built' && launcher.buildMs > 1000)
    console.info(`Neo4j test launcher built in ${launcher.buildMs} ms`);
  project.provide('neo4jLauncher', launcher);
}

/**
 * vitest globalSetup: builds the Neo4j launcher once for the whole run (tests/helpers/neo4j.ts),
 * before the test files start in parallel, and hands the result to them through `provide`.
 */
import type { TestProject } from 'vitest/node';
import { buildNeo4jLauncher } from './neo4j.js';

export default async function setup(project: TestProject): Promise<void> {
  const launcher = await buildNeo4jLauncher();
  if (launcher.kind === 'built' && launcher.buildMs > 1000)
    console.info(`Neo4j test launcher built in ${launcher.buildMs} ms`);
  project.provide('neo4jLauncher', launcher);
}

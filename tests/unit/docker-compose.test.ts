/**
 * docker-compose.yml cannot run here (no Docker engine), so its structure is checked: the services
 * a user scales with, their health checks, persistence, and that every variable passed to trustmap
 * is a setting config.ts knows.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../core/config.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as Compose;
const { neo4j, redis, trustmap, worker } = compose.services;

describe('docker-compose.yml', () => {
  it('has neo4j, redis, the trustmap server and a worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['neo4j', 'redis', 'trustmap', 'worker']);
  });

  it('runs Neo4j 5 community with auth from the environment, a health check and a named volume', () => {
    expect(neo4j?.image).toMatch(/^neo4j:5(\.[\d.]+)?-community$/);
    expect(neo4j?.environment?.NEO4J_AUTH).toBe('neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD}');
    expect(neo4j?.healthcheck?.test.join(' ')).toMatch(/cypher-shell/);
    expect(neo4j?.volumes).toContain('neo4j-data:/data');
    expect(compose.volumes).toHaveProperty('neo4j-data');
  });

  it("keeps users' Cypher from files, unlisted procedures and unbounded memory on Neo4j", () => {
    const env = neo4j?.environment ?? {};
    expect(env.NEO4J_dbms_security_allow__csv__import__from__file__urls).toBe('false');
    expect(env.NEO4J_dbms_security_procedures_allowlist?.split(',')).toEqual([
      'db.labels',
      'db.relationshipTypes',
      'db.propertyKeys',
      'db.schema.*',
    ]);
    expect(env.NEO4J_db_memory_transaction_max).toMatch(/^\$\{NEO4J_TRANSACTION_MAX:-\d+[GM]\}$/);
  });

  it('runs Redis 7 with persistence on, a health check and a named volume', () => {
    expect(redis?.image).toMatch(/^redis:7/);
    expect(redis?.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis?.volumes).toContain('redis-data:/data');
  });

  it('starts trustmap and its workers only when Neo4j and Redis are healthy, pointed at them', () => {
    for (const service of [trustmap, worker]) {
      expect(service?.depends_on).toEqual({
        neo4j: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(service?.environment?.NEO4J_URI).toBe('neo4j://neo4j:7687');
      expect(service?.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service?.build).toBe('.');
    }
    expect(trustmap?.command?.[0]).toBe('serve');
    expect(trustmap?.environment?.TRUSTMAP_TOKEN).toMatch(/^\$\{TRUSTMAP_TOKEN:\?/);
    expect(worker?.command?.[0]).toBe('worker');
  });

  it('lets the worker scale: no fixed container name and no host port', () => {
    expect(worker?.container_name).toBeUndefined();
    expect(worker?.ports).toBeUndefined();
  });

  it('publishes ports on loopback only', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('passes trustmap only settings that config.ts reads', () => {
    const known = new Set<string>(Object.keys(SETTINGS));
    for (const service of [trustmap, worker]) {
      for (const name of Object.keys(service?.environment ?? {}))
        expect(known.has(name), name).toBe(true);
    }
  });

  it('builds from a Dockerfile that runs the trustmap command', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "dist\/cli\/main\.js"\]/);
  });
});

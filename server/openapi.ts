/** The API described in OpenAPI 3.1, served at /api/openapi.json. */
import { SCHEMAS } from './openapi-schemas.js';

export function openApi(version: string): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const errors = {
    '400': { description: 'invalid input', content: { 'application/json': { schema: error } } },
    '401': {
      description: 'missing or wrong Bearer token',
      content: { 'application/json': { schema: error } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'trustmap API',
      version,
      description: 'Whom am I trusting when I install this, and where would the chain break?',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'TRUSTMAP_TOKEN; required when the server is not on loopback',
        },
      },
      schemas: SCHEMAS,
    },
    security: [{ bearer: [] }, {}],
    paths: {
      '/api/health': {
        get: {
          summary: 'liveness and the store in use',
          responses: { '200': { description: 'ok' } },
        },
      },
      '/api/search': {
        get: {
          summary:
            'packages, people, organisations and repositories by key or name (prefix matches first)',
          parameters: [
            { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
          ],
          responses: { '200': { description: 'results' }, ...errors },
        },
      },
      '/api/nodes/{key}': {
        get: {
          summary:
            "a node's properties, scores, explanation, change flags (worst first; a package's are its selected version's) and neighbours",
          parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'the node',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      key: { type: 'string' },
                      flags: { type: 'array', items: { $ref: '#/components/schemas/Flag' } },
                    },
                  },
                },
              },
            },
            '404': { description: 'no such node' },
            ...errors,
          },
        },
      },
      '/api/chokepoints': {
        get: {
          summary: 'ranked chokepoints, within a root closure when given',
          parameters: [
            { name: 'root', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            },
          ],
          responses: {
            '200': {
              description:
                "chokepoints: each row with its version's change flags (flags, worst first) and flagSeverity (the worst, or null)",
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      chokepoints: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            key: { type: 'string' },
                            flags: { type: 'array', items: { $ref: '#/components/schemas/Flag' } },
                            flagSeverity: {
                              type: ['string', 'null'],
                              enum: ['high', 'medium', 'low', 'info', null],
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      '/api/packages/{key}/timeline': {
        get: {
          summary:
            "a package's releases over time, oldest first (the newest 500 at most): publisher, maintainers, install scripts, dependencies added, provenance, flags",
          parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: '{key, releases, total, truncated, asOf, later}',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      key: { type: 'string' },
                      releases: {
                        type: 'array',
                        maxItems: 500,
                        items: { $ref: '#/components/schemas/TimelineRelease' },
                      },
                      total: { type: 'integer' },
                      truncated: { type: 'boolean' },
                      asOf: {
                        type: ['string', 'null'],
                        description:
                          'releases published after this instant (the stored scores are as of it) are not listed',
                      },
                      later: {
                        type: 'integer',
                        description: 'how many releases were published after asOf',
                      },
                    },
                  },
                },
              },
            },
            '404': { description: 'no such package' },
            ...errors,
          },
        },
      },
      '/api/graph': {
        get: {
          summary:
            "a root's supply chain in graphology's serialization format, with starting positions; a version node's flagSeverity is its worst stored change flag (or null)",
          parameters: [
            { name: 'root', in: 'query', required: true, schema: { type: 'string' } },
            {
              name: 'depth',
              in: 'query',
              schema: { type: 'integer', minimum: 0, maximum: 50, default: 20 },
            },
            {
              name: 'layers',
              in: 'query',
              description:
                'any of deps, people, repos, orgs, contributors (the top 5 contributors of each repository shown)',
              schema: { type: 'string', default: 'deps,people,repos,orgs' },
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 50000, default: 5000 },
            },
            {
              name: 'format',
              in: 'query',
              description:
                "graphology (graph.import() takes it) or compact: the same nodes, and each edge as three numbers in edges (its source's and target's positions in nodes, its type's in edgeTypes)",
              schema: { type: 'string', enum: ['graphology', 'compact'], default: 'graphology' },
            },
          ],
          responses: {
            '200': { description: 'graphology JSON, or its compact form' },
            '404': { description: 'root not ingested' },
            ...errors,
          },
        },
      },
      '/api/whatif': {
        get: {
          summary: 'what one compromised account reaches: its versions and all their dependents',
          parameters: [
            { name: 'person', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'root', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
            },
          ],
          responses: {
            '200': { description: 'person, publishesInto, reaches, rootsReached, reached' },
            '404': { description: 'root not ingested' },
            ...errors,
          },
        },
      },
      '/api/diff': {
        get: {
          summary:
            'two ingested roots compared in people terms: packages added, removed and changed, people who can now publish, install scripts, provenance, flags, trust, in review order',
          parameters: [
            { name: 'base', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'head', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description:
                'base, head, asOf, added, removed, changed, peopleAdded, peopleRemoved, installScripts, provenance, flags, advisories, trust, review, paths (from the head root to each added version)',
            },
            '404': { description: 'a root not ingested' },
            ...errors,
          },
        },
      },
      '/api/roots': {
        get: {
          summary: 'the roots ingested so far (what /api/graph can start from)',
          responses: { '200': { description: '{roots}' } },
        },
      },
      '/api/schema': {
        get: {
          summary: 'labels, relationship types and property keys (for query completion)',
          responses: { '200': { description: '{labels, relationshipTypes, propertyKeys}' } },
        },
      },
      '/api/investigations': {
        get: {
          summary: 'saved investigations with their parameters',
          responses: { '200': { description: 'list' } },
        },
      },
      '/api/investigations/{name}': {
        post: {
          summary: 'run a saved investigation',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            content: {
              'application/json': {
                schema: { type: 'object', properties: { params: { type: 'object' } } },
              },
            },
          },
          responses: { '200': { description: 'columns, rows, truncated' }, ...errors },
        },
      },
      '/api/ingest': {
        post: {
          summary:
            'start an ingest of specs and/or an uploaded lockfile, requirements file or SBOM (repositories and advisories too when the server enables them: TRUSTMAP_API_REPOS, TRUSTMAP_API_ADVISORIES), scored when it ends; follow it at the returned events URL',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  description: 'specs, a lockfile, or both',
                  properties: {
                    specs: { type: 'array', items: { type: 'string' }, maxItems: 100 },
                    python: {
                      type: 'string',
                      maxLength: 20,
                      description:
                        'the Python PyPI roots are resolved for: markers and requires-python (3.10 or 3.10.4; default 3.12)',
                    },
                    platform: {
                      type: 'string',
                      enum: ['linux', 'macos', 'windows'],
                      description: 'the platform PyPI markers are evaluated for (default linux)',
                    },
                    implementation: {
                      type: 'string',
                      enum: ['cpython', 'pypy'],
                      description: 'the Python implementation (default cpython)',
                    },
                    lockfile: {
                      type: 'object',
                      required: ['name', 'content'],
                      properties: {
                        name: {
                          type: 'string',
                          pattern: '^[A-Za-z0-9][\\w.-]{0,99}$',
                          description:
                            'package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock, Pipfile.lock, requirements*.txt / *.in (includes are not read), or a .json CycloneDX 1.4-1.6 / SPDX 2.3 SBOM',
                        },
                        content: { type: 'string', maxLength: 20971520 },
                        project: {
                          type: 'string',
                          pattern: '^[A-Za-z0-9][\\w.-]{0,99}$',
                          description:
                            'the project name for a file that does not name its project (default "uploaded")',
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          responses: { '202': { description: '{id, events}' }, ...errors },
        },
      },
      '/api/ingest/{id}/events': {
        get: {
          summary: 'server-sent events: progress, scoring, then done or error',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'text/event-stream' },
            '404': { description: 'no such ingest' },
          },
        },
      },
      '/api/cypher': {
        post: {
          summary: 'a read-only Cypher query with a time and row limit; writes are refused (403)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['query'],
                  properties: { query: { type: 'string' }, params: { type: 'object' } },
                },
              },
            },
          },
          responses: {
            '200': { description: 'columns, rows, truncated' },
            '403': { description: 'not read-only' },
            '504': { description: 'time limit' },
            ...errors,
          },
        },
      },
    },
  };
}

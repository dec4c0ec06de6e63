/**
 * The API (docs/api.md): express with security headers, a CSP that allows no inline script,
 * request size limits, the token rule, inputs validated with zod, and errors as JSON with a stable
 * `code`. The store is passed in; nothing here reads the environment.
 */
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ByteBudget } from '../core/answer-budget.js';
import { ANSWER_DEFAULTS, type Config } from '../core/config.js';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import { listInvestigations } from '../graph/investigations.js';
import { NODE_LABELS, PROPERTY_KEYS, RELATIONSHIP_TYPES } from '../graph/model.js';
import { isRootFileName } from '../ingest/spec.js';
import { IMPLEMENTATIONS, PLATFORMS } from '../ingest/sources/pypi/environment.js';
import type { GraphStore } from '../graph/store.js';
import type { JsonValue } from '../graph/values.js';
import type { Logger } from '../core/log.js';
import { diffTrees } from '../gate/diff.js';
import { readTree, treePaths } from '../gate/tree.js';
import { expandGraph } from '../shared/graph-wire.js';
import { findRoot } from '../trust/closure.js';
import { describeExplanation, type VersionExplanation } from '../trust/explain.js';
import { answerLimits, chokepoints, compromise } from '../trust/report.js';
import { readVersionFlags, requireStoredAsOf, storedFlags } from '../trust/stored-scores.js';
import { requireLocalHost, requireToken } from './auth.js';
import { TrustGraphCache } from './graph-cache.js';
import { graphFromRoot } from './graph-cut.js';
import { IngestJobs, PROJECT_NAME, type IngestJobSettings, type JobEvent } from './ingest-jobs.js';
import { errorHandler, notFound } from './http-errors.js';
import { openApi } from './openapi.js';
import { packageTimeline } from './package-timeline.js';
import { securityHeaders } from './security-headers.js';
import { instant, limit, params, parse } from './request-schemas.js';

export interface AppDeps {
  store: GraphStore;
  /** The ingest settings (IngestJobSettings) are the ones an API ingest runs under. */
  config: Pick<Config, 'token' | 'queryRowLimit' | 'queryTimeoutMs'> &
    IngestJobSettings & {
      /** TRUSTMAP_PUBLIC_URL: an https one turns on HSTS and `upgrade-insecure-requests`. */
      publicUrl?: string | undefined;
    };
  logger: Logger;
  cwd: string;
  version: string;
  /** The built browser client (dist/client) to serve beside the API; none serves the API only. */
  clientDir?: string | undefined;
  /** The answer caps (TRUSTMAP_ANSWER_LIMIT_KB, TRUSTMAP_PATH_HOP_LIMIT); config.ts's defaults. */
  answers?: Pick<Config, 'answerLimitKb' | 'pathHopLimit'> | undefined;
}

/** The largest lockfile the API takes (characters of JSON string). */
const MAX_LOCKFILE_CHARS = 20 * 1024 * 1024;

type Handler = (request: Request, response: Response) => Promise<void>;

/** Express 5 forwards rejected promises to the error handler; this keeps the types honest. */
const route = (handler: Handler) => (request: Request, response: Response, next: NextFunction) => {
  handler(request, response).catch(next);
};

export function createApp(deps: AppDeps): Express {
  const { store, config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(config.publicUrl));
  app.use(requireLocalHost(config.token));
  app.use('/api', requireToken(config.token));
  // Uploaded lockfiles are bigger than any other request body.
  app.use('/api/ingest', express.json({ limit: MAX_LOCKFILE_CHARS + 64 * 1024 }));
  app.use(express.json({ limit: '256kb' }));

  const cache = new TrustGraphCache(store);
  const answers = deps.answers ?? ANSWER_DEFAULTS;

  app.get('/api/health', (_request, response) => {
    response.json({ status: 'ok', store: store.kind, version: deps.version });
  });

  app.get('/api/openapi.json', (_request, response) => {
    response.json(openApi(deps.version));
  });

  app.get(
    '/api/search',
    route(async (request, response) => {
      const query = parse(
        z.object({ q: z.string().trim().min(1).max(200), limit: limit(100, 20) }),
        request.query,
        'query',
      );
      response.json({ results: await store.search(query.q, query.limit) });
    }),
  );

  app.get(
    '/api/nodes/:key',
    route(async (request, response) => {
      const key = parse(z.string().min(1).max(2048), request.params.key, 'key');
      const node = await store.node(key);
      if (node === undefined) throw new NotFoundError(`no node ${key}`);
      // Up to 100 of each type and direction: a package's thousands of versions do not crowd out
      // its maintainers; the counts say how many there are of each.
      const neighbours = await store.neighbours(key, 100);
      // A version's people and repository hang off its package: include the package's too.
      const pkg = node.labels.includes('Version')
        ? neighbours.find((n) => n.type === 'HAS_VERSION' && !n.outgoing)
        : undefined;
      const packageNeighbours =
        pkg === undefined
          ? []
          : (await store.neighbours(pkg.key, 100)).filter((n) => n.type !== 'HAS_VERSION');
      const byType = await store.neighbourCounts(key);
      const raw = node.properties.explanation;
      const explanation = typeof raw === 'string' ? (JSON.parse(raw) as JsonValue) : null;
      response.json({
        ...node,
        explanation,
        // The stored change flags, worst first (a package's are its selected version's).
        flags: storedFlags(explanation),
        // Only a version's explanation has the shape the sentences are written for.
        explanationText:
          explanation !== null && node.labels.includes('Version')
            ? describeExplanation(explanation as unknown as VersionExplanation)
            : null,
        neighbours: {
          byType,
          first: neighbours,
          truncated: Object.values(byType).some((c) => c.outgoing > 100 || c.incoming > 100),
        },
        package: pkg === undefined ? null : { key: pkg.key, neighbours: packageNeighbours },
      });
    }),
  );

  app.get(
    '/api/packages/:key/timeline',
    route(async (request, response) => {
      const key = parse(z.string().min(1).max(2048), request.params.key, 'key');
      response.json(await packageTimeline(store, key));
    }),
  );

  app.get(
    '/api/chokepoints',
    route(async (request, response) => {
      const query = parse(
        z.object({
          root: z.string().min(1).max(300).optional(),
          limit: limit(1000, 20),
          asOf: instant.optional(),
        }),
        request.query,
        'query',
      );
      const result = await cache.scores();
      requireStoredAsOf(result.scoring, query.asOf);
      response.json(
        await chokepoints(result, {
          root: query.root,
          limits: answerLimits(answers, query.limit),
          flagsOf: (keys) => readVersionFlags(store, keys),
        }),
      );
    }),
  );

  app.get(
    '/api/diff',
    route(async (request, response) => {
      const query = parse(
        z.object({ base: z.string().min(1).max(300), head: z.string().min(1).max(300) }),
        request.query,
        'query',
      );
      const graph = await cache.graph();
      const keys = [...graph.versions.keys()];
      const rootKey = (spec: string): string => {
        const index = findRoot(keys, spec);
        const key = index === undefined ? undefined : keys[index];
        if (key === undefined) throw new NotFoundError(`${spec} is not in the graph`);
        return key;
      };
      const [base, head] = await Promise.all(
        [query.base, query.head].map((spec) => readTree(store, rootKey(spec), graph)),
      );
      if (base === undefined || head === undefined) throw new Error('two trees');
      const diff = diffTrees(base, head);
      response.json({ ...diff, paths: treePaths(graph, head.root, diff.added) });
    }),
  );

  app.get(
    '/api/whatif',
    route(async (request, response) => {
      const query = parse(
        z.object({
          person: z.string().min(1).max(300),
          root: z.string().min(1).max(300).optional(),
          limit: limit(10_000, 500),
          asOf: instant.optional(),
        }),
        request.query,
        'query',
      );
      const result = await cache.scores();
      requireStoredAsOf(result.scoring, query.asOf);
      response.json(
        compromise(result, query.person, {
          root: query.root,
          limits: answerLimits(answers, query.limit),
        }),
      );
    }),
  );

  app.get(
    '/api/graph',
    route(async (request, response) => {
      const query = parse(
        z.object({
          root: z.string().min(1).max(300),
          depth: z.coerce.number().int().min(0).max(50).default(20),
          layers: z
            .string()
            .default('deps,people,repos,orgs')
            .transform((l) => l.split(',').map((x) => x.trim()))
            .pipe(z.array(z.enum(['deps', 'people', 'repos', 'orgs', 'contributors']))),
          limit: limit(50_000, 5000),
          format: z.enum(['graphology', 'compact']).default('graphology'),
        }),
        request.query,
        'query',
      );
      // Cut by the store from the root (server/graph-cut.ts), not from the whole graph loaded.
      const graph = await graphFromRoot(store, query.root, {
        depth: query.depth,
        layers: query.layers,
        limit: query.limit,
      });
      response.json(query.format === 'compact' ? graph : expandGraph(graph));
    }),
  );

  app.get(
    '/api/roots',
    route(async (_request, response) => {
      const graph = await cache.graph();
      const roots = new Set([...graph.resolves.values()].flatMap((edge) => [...edge.roots]));
      response.json({ roots: [...roots].sort() });
    }),
  );

  app.get('/api/schema', (_request, response) => {
    response.json({
      labels: NODE_LABELS,
      relationshipTypes: RELATIONSHIP_TYPES,
      propertyKeys: PROPERTY_KEYS,
    });
  });

  app.get('/api/investigations', (_request, response) => {
    response.json({
      investigations: listInvestigations(store.kind).map((i) => ({
        name: i.name,
        title: i.title,
        description: i.description,
        params: i.params,
      })),
    });
  });

  app.post(
    '/api/investigations/:name',
    route(async (request, response) => {
      const investigation = listInvestigations(store.kind).find(
        (i) => i.name === request.params.name,
      );
      if (investigation === undefined)
        throw new NotFoundError(`no investigation ${String(request.params.name)}`);
      const body = parse(z.object({ params }).default({ params: {} }), request.body ?? {}, 'body');
      const values: Record<string, JsonValue> = {};
      for (const param of investigation.params) {
        const value = body.params[param.name];
        if (value === undefined)
          throw new InvalidInputError(`params.${param.name} is required (${param.description})`);
        if (
          param.type === 'integer' &&
          !(typeof value === 'number' && Number.isInteger(value) && value > 0)
        ) {
          throw new InvalidInputError(`params.${param.name} must be a positive whole number`);
        }
        if (param.type === 'string' && typeof value !== 'string')
          throw new InvalidInputError(`params.${param.name} must be a string`);
        values[param.name] = value;
      }
      const result = await store.query(investigation.cypher, values, {
        rowLimit: config.queryRowLimit,
        timeoutMs: config.queryTimeoutMs,
      });
      // Rows past the size cap are left out, and `truncated` says so.
      const budget = new ByteBudget(answers.answerLimitKb * 1024, { ...result, rows: [] });
      const rows = budget.takeAll(result.rows);
      response.json({ ...result, rows, truncated: result.truncated || budget.cut });
    }),
  );

  app.post(
    '/api/cypher',
    route(async (request, response) => {
      const body = parse(
        z.object({ query: z.string().min(1).max(100_000), params }),
        request.body,
        'body',
      );
      const result = await store.query(body.query, body.params, {
        rowLimit: config.queryRowLimit,
        timeoutMs: config.queryTimeoutMs,
      });
      response.json(result);
    }),
  );

  const jobs = new IngestJobs(store, config, logger, deps.cwd, () => {
    cache.invalidate();
  });

  app.post('/api/ingest', (request, response) => {
    const body = parse(
      z
        .object({
          specs: z.array(z.string().min(1).max(300)).max(100).default([]),
          lockfile: z
            .object({
              name: z.string().refine(isRootFileName, {
                message:
                  'a lockfile, requirements file or SBOM name (package-lock.json, poetry.lock, requirements.txt, bom.json, ...)',
              }),
              content: z.string().min(1).max(MAX_LOCKFILE_CHARS),
              project: z.string().regex(PROJECT_NAME).optional(),
            })
            .optional(),
          // The environment PyPI roots are resolved for (as ingest's --python, --platform, ...).
          python: z.string().max(20).optional(),
          platform: z.enum(PLATFORMS).optional(),
          implementation: z.enum(IMPLEMENTATIONS).optional(),
        })
        .refine((b) => b.specs.length > 0 || b.lockfile !== undefined, {
          message: 'give specs, a lockfile, or both',
        }),
      request.body,
      'body',
    );
    const job = jobs.start(body.specs, body.lockfile, {
      python: body.python,
      platform: body.platform,
      implementation: body.implementation,
    });
    response.status(202).json({ id: job.id, events: `/api/ingest/${job.id}/events` });
  });

  app.get('/api/ingest/:id/events', (request, response) => {
    const job = jobs.get(request.params.id);
    if (job === undefined) throw new NotFoundError(`no ingest ${request.params.id}`);
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: JobEvent): void => {
      response.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      if (event.type === 'done' || event.type === 'error') response.end();
    };
    for (const event of job.events) send(event);
    if (job.finished) return;
    job.emitter.on('event', send);
    request.on('close', () => job.emitter.off('event', send));
  });

  if (deps.clientDir !== undefined) {
    const index = path.join(deps.clientDir, 'index.html');
    app.use(express.static(deps.clientDir, { index: false, maxAge: '1h' }));
    // The explorer's own routes (shareable URLs) all load the one page.
    app.get(/^(?!\/api\/).*/, (_request, response) => {
      response.setHeader('cache-control', 'no-cache');
      response.sendFile(index);
    });
  }

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

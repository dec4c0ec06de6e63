/**
 * The API as typed functions. Errors come back as ApiError with the server's stable `code`. When
 * the server wants a token (it was bound off loopback), the user is asked once per tab.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

import { expandGraph } from '../../shared/graph-wire.js';
import type {
  ChokepointRow,
  ChokepointsAnswer,
  CompactGraph,
  JsonValue,
  Neighbour,
  PackageTimelineAnswer,
  Progress,
  SerializedGraph,
  TimelineRelease,
  TreeDiffAnswer,
  WhatIfAnswer,
  WireFlag,
} from '../../shared/wire-types.js';

export type {
  ChokepointsAnswer,
  Neighbour,
  PackageTimelineAnswer,
  Progress,
  SerializedGraph,
  TimelineRelease,
  TreeDiffAnswer,
  WireFlag,
};
export type Json = JsonValue;
export type Scalar = string | number | boolean | null;
export type Chokepoint = ChokepointRow;

export interface SearchResult {
  key: string;
  label: string;
  name: string;
  trust: number | null;
}

export interface NodeDetails {
  key: string;
  labels: string[];
  properties: Record<string, Json>;
  explanation: Json;
  explanationText: string | null;
  /** The stored change flags, worst first; [] when none or not scored. */
  flags: WireFlag[];
  neighbours: {
    byType: Record<string, { outgoing: number; incoming: number }>;
    first: Neighbour[];
    truncated: boolean;
  };
  package: { key: string; neighbours: Neighbour[] } | null;
}

export interface Investigation {
  name: string;
  title: string;
  description: string;
  params: { name: string; type: 'integer' | 'string'; example: string; description: string }[];
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, Json>[];
  truncated: boolean;
  elapsedMs: number;
}

export type WhatIf = WhatIfAnswer;

export interface Schema {
  labels: string[];
  relationshipTypes: string[];
  propertyKeys: string[];
}

const TOKEN_KEY = 'trustmap.token';

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  if (json) out['content-type'] = 'application/json';
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) out.authorization = `Bearer ${token}`;
  return out;
}

async function request<T>(path: string, body?: unknown, retried = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: headers(body !== undefined),
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(
      'UNREACHABLE',
      `the trustmap server did not answer (${error instanceof Error ? error.message : 'network error'})`,
      0,
    );
  }
  const payload = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (payload as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
    if (code === 'UNAUTHORIZED' && !retried) {
      const token = window.prompt('This trustmap server wants its access token (TRUSTMAP_TOKEN):');
      if (token !== null && token.trim() !== '') {
        sessionStorage.setItem(TOKEN_KEY, token.trim());
        return request<T>(path, body, true);
      }
    }
    const message = typeof error?.message === 'string' ? error.message : response.statusText;
    throw new ApiError(code, message, response.status);
  }
  return payload as T;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, String(value));
  return search.toString();
};

export const api = {
  search: (q: string) =>
    request<{ results: SearchResult[] }>(`/api/search?${query({ q, limit: 12 })}`),
  node: (key: string) => request<NodeDetails>(`/api/nodes/${encodeURIComponent(key)}`),
  timeline: (pkg: string) =>
    request<PackageTimelineAnswer>(`/api/packages/${encodeURIComponent(pkg)}/timeline`),
  /** Asked for compact (a third of the bytes for a large view), given back as graphology's. */
  graph: async (
    root: string,
    layers: readonly string[],
    limit = 50_000,
  ): Promise<SerializedGraph> =>
    expandGraph(
      await request<CompactGraph>(
        `/api/graph?${query({ root, layers: layers.join(','), limit, format: 'compact' })}`,
      ),
    ),
  chokepoints: (root: string | undefined, limit = 50) =>
    request<ChokepointsAnswer>(`/api/chokepoints?${query({ root, limit })}`),
  /** At most `limit` reached versions: the panel lists no more than that. */
  diff: (base: string, head: string) =>
    request<TreeDiffAnswer>(`/api/diff?${query({ base, head })}`),
  whatIf: (person: string, root: string | undefined, limit = 200) =>
    request<WhatIf>(`/api/whatif?${query({ person, root, limit })}`),
  investigations: () => request<{ investigations: Investigation[] }>('/api/investigations'),
  runInvestigation: (name: string, params: Record<string, Json>) =>
    request<QueryResult>(`/api/investigations/${encodeURIComponent(name)}`, { params }),
  cypher: (cypherQuery: string, params: Record<string, Json> = {}) =>
    request<QueryResult>('/api/cypher', { query: cypherQuery, params }),
  schema: () => request<Schema>('/api/schema'),
  startIngest: (specs: string[], lockfile?: { name: string; content: string }) =>
    request<{ id: string; events: string }>('/api/ingest', { specs, lockfile }),
  roots: () => request<{ roots: string[] }>('/api/roots'),
};

/** The end of an ingest: its summary (as the CLI prints with --json) and the scoring line. */
export interface IngestDone {
  roots: { spec: string; resolved: string | null }[];
  failures: { name: string; spec: string; code: string; reason: string; optional: boolean }[];
  scored: string;
}

export type IngestEvent =
  | { type: 'progress'; data: Progress }
  | { type: 'scoring'; data: Record<string, never> }
  | { type: 'done'; data: IngestDone }
  | { type: 'error'; data: { code: string; message: string } };

/**
 * Follows an ingest's server-sent events. Read through fetch rather than EventSource, so that the
 * token header goes with it when the server wants one.
 */
export async function followIngest(
  path: string,
  onEvent: (event: IngestEvent) => void,
): Promise<void> {
  const response = await fetch(path, { headers: headers(false) });
  if (!response.ok || response.body === null)
    throw new ApiError(
      `HTTP_${response.status}`,
      'the progress stream did not open',
      response.status,
    );
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      onEvent({ type, data: JSON.parse(data) as Json } as IngestEvent);
    }
  }
}

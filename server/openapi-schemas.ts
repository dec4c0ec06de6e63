/** The shapes the OpenAPI document (openapi.ts) refers to: errors, change flags, a timeline release. */
import { ERROR_CODES } from '../core/errors.js';

export const SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...ERROR_CODES] },
          message: { type: 'string' },
        },
      },
    },
  },
  Flag: {
    type: 'object',
    description:
      'a change flag of a version (docs/trust-model.md); evidence holds registry text: show it as text',
    required: ['id', 'severity', 'evidence', 'since'],
    properties: {
      id: { type: 'string' },
      severity: { type: 'string', enum: ['high', 'medium', 'low', 'info'] },
      evidence: { type: 'string', maxLength: 2000 },
      since: { type: 'string', description: 'ISO time the flag holds from' },
    },
  },
  TimelineRelease: {
    type: 'object',
    description:
      'one release; null means the registry did not say; the *Added/*Removed lists compare it with the release before it',
    properties: {
      key: { type: 'string' },
      version: { type: 'string' },
      publishedAt: { type: 'string' },
      publishers: { type: ['array', 'null'], items: { type: 'string' } },
      maintainers: { type: ['array', 'null'], items: { type: 'string' } },
      maintainersAdded: { type: 'array', items: { type: 'string' } },
      maintainersRemoved: { type: 'array', items: { type: 'string' } },
      installScripts: { type: ['array', 'null'], items: { type: 'string' } },
      installScriptsAdded: { type: 'array', items: { type: 'string' } },
      dependenciesAdded: { type: 'array', items: { type: 'string' } },
      dependenciesRemoved: { type: 'array', items: { type: 'string' } },
      provenance: { type: ['boolean', 'null'] },
      trustedPublisher: { type: ['boolean', 'null'] },
      flagSeverity: {
        type: ['string', 'null'],
        enum: ['high', 'medium', 'low', 'info', null],
      },
      flagIds: { type: 'array', items: { type: 'string' } },
    },
  },
};

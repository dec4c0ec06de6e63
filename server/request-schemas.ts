/**
 * What the API's requests are checked against: `parse` (zod, after a depth check, errors naming
 * the bad field), JSON values, query parameters' names, limits and `?asOf=` instants.
 */
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { parseInstant } from '../core/instant.js';
import type { JsonValue } from '../shared/domain.js';

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  if (depthOf(value) > MAX_DEPTH)
    throw new InvalidInputError(`${what} is nested more than ${MAX_DEPTH} levels deep`);
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where =
      issue === undefined || issue.path.length === 0 ? what : `${what}.${issue.path.join('.')}`;
    throw new InvalidInputError(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string().max(10_000),
    z.array(jsonValue).max(10_000),
    z.record(z.string(), jsonValue),
  ]),
);
/** Parameters nested deeper than this are refused before validation (a deep structure would
 *  exhaust the validator's stack). */
const MAX_DEPTH = 20;
function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

export const params = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), jsonValue)
  .default({});
export const limit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
/** `?asOf=`: an ISO 8601 date or instant (core/instant.ts), checked against the stored scores. */
export const instant = z
  .string()
  .max(40)
  .transform((value, context) => {
    const parsed = parseInstant(value);
    if (parsed === undefined) {
      context.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or instant' });
      return z.NEVER;
    }
    return parsed;
  });

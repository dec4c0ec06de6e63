/** What the trust commands' answers say for people: which run, and why rows were cut. */
import { InvalidInputError } from '../core/errors.js';

/** Which run the numbers come from, for people. */
export function scoredWith(scoring: { scoredAt: string; anchors: string[]; asOf: string }): string {
  const asOf = scoring.asOf === scoring.scoredAt ? '' : ` as of ${scoring.asOf}`;
  return `scores of ${scoring.scoredAt}${asOf}, anchors ${scoring.anchors.join(', ') || 'none in the graph'}\n`;
}

/**
 * `--as-of` on a command that reads the stored scores: they are the one source, so the instant
 * asked for must be the one they were scored as of; otherwise the user is told how to get it.
 */
export function checkAsOf(scoring: { asOf: string } | undefined, asOf: Date | undefined): void {
  if (asOf === undefined) return;
  const stored = scoring === undefined ? undefined : Date.parse(scoring.asOf);
  if (stored === asOf.getTime()) return;
  throw new InvalidInputError(
    `the stored scores are ${scoring === undefined ? 'not there' : `as of ${scoring.asOf}`}: run "trustmap score --as-of ${asOf.toISOString()}" first`,
  );
}

/** Why an answer lists fewer rows than it found, for people. */
export function cutBy(answer: {
  truncated: boolean;
  limits: { rows: number; bytes: number };
}): string {
  return answer.truncated
    ? `; answers are cut at --limit ${answer.limits.rows} and ${Math.round(answer.limits.bytes / 1024)} KiB (TRUSTMAP_ANSWER_LIMIT_KB)`
    : '';
}

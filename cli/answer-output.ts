/** What the trust commands' answers say for people: which run, and why rows were cut. */
export { requireStoredAsOf as checkAsOf } from '../trust/stored-scores.js';

/** Which run the numbers come from, for people. */
export function scoredWith(scoring: { scoredAt: string; anchors: string[]; asOf: string }): string {
  const asOf = scoring.asOf === scoring.scoredAt ? '' : ` as of ${scoring.asOf}`;
  return `scores of ${scoring.scoredAt}${asOf}, anchors ${scoring.anchors.join(', ') || 'none in the graph'}\n`;
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

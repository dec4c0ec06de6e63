/**
 * Bounded answers: an answer's size in bytes of JSON, and a budget that list items are
 * taken against until it runs out, so what-if, chokepoint and investigation answers stay under
 * their byte cap whatever the graph's shape. No imports.
 */

const encoder = new TextEncoder();

/** Bytes of `value` as JSON (UTF-8), as it goes over the wire. */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * Bytes left for an answer's list items. Build the answer's skeleton (every field, lists empty),
 * start a budget with the cap minus the skeleton's size, and `take` each item in order: an item
 * that does not fit is refused, and so is every item after it, in any list, so an answer is a
 * prefix of each of its lists.
 */
export class ByteBudget {
  private left: number;
  private exhausted = false;

  constructor(cap: number, skeleton: unknown) {
    this.left = cap - jsonBytes(skeleton);
    if (this.left < 0) this.exhausted = true;
  }

  /** Whether anything was refused. */
  get cut(): boolean {
    return this.exhausted;
  }

  /** True when `item` fits (and takes its bytes, plus a separating comma). */
  take(item: unknown): boolean {
    if (this.exhausted) return false;
    const bytes = jsonBytes(item) + 1;
    if (bytes > this.left) {
      this.exhausted = true;
      return false;
    }
    this.left -= bytes;
    return true;
  }

  /** The prefix of `items` that fits. */
  takeAll<T>(items: readonly T[]): T[] {
    const kept: T[] = [];
    for (const item of items) {
      if (!this.take(item)) break;
      kept.push(item);
    }
    return kept;
  }
}

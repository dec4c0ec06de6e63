/**
 * What changed, release by release: a version's change flags in words, and its package's
 * releases over time (the details panel's "Change flags" and "Version timeline"). Registry text
 * goes in as text nodes only (dom.ts).
 */
import type { PackageTimelineAnswer, WireFlag } from './api.js';
import { fill, h, note } from './dom.js';

/** Change flags, worst first: severity, id, the evidence in words and since when. */
export function flagList(flags: readonly WireFlag[]): HTMLElement {
  return h(
    'ul',
    { class: 'flags', 'aria-label': 'Change flags' },
    ...flags.map((f) =>
      h(
        'li',
        { class: `flag ${f.severity}` },
        h('span', { class: 'severity' }, f.severity),
        ' ',
        h('strong', {}, f.id),
        ': ',
        f.evidence,
        f.since === '' ? null : h('span', { class: 'since' }, ` (since ${f.since.slice(0, 10)})`),
      ),
    ),
  );
}

const shortPerson = (key: string): string => key.replace(/^person:[a-z-]+:/, '');
/** The most releases the timeline shows before "and n older". */
const TIMELINE_SHOWN = 60;

/**
 * A package's releases over time, newest first, into the details' timeline section (if it has
 * one): date, version, publisher, maintainers changed, install scripts, dependencies added,
 * provenance, and the flagged ones marked with their flags' ids.
 */
export function renderTimeline(host: HTMLElement, timeline: PackageTimelineAnswer): void {
  const section = host.querySelector('section.timeline');
  if (section === null) return;
  const releases = [...timeline.releases].reverse();
  const shown = releases.slice(0, TIMELINE_SHOWN);
  fill(
    section,
    h('h3', {}, `Version timeline (${String(timeline.total)} releases)`),
    timeline.later > 0 && timeline.asOf !== null
      ? note(
          `As of ${timeline.asOf.slice(0, 16).replace('T', ' ')} UTC, the instant the scores are as of: ${String(timeline.later)} later ${timeline.later === 1 ? 'release is' : 'releases are'} not shown.`,
        )
      : null,
    releases.length === 0
      ? note('The registry gave no release times.')
      : h(
          'ol',
          { class: 'releases' },
          ...shown.map((r) => {
            const facts: string[] = [];
            facts.push(
              r.publishers === null
                ? 'publisher unknown'
                : `by ${r.publishers.map(shortPerson).join(', ') || 'nobody named'}`,
            );
            if (r.maintainersAdded.length > 0)
              facts.push(`maintainers added: ${r.maintainersAdded.map(shortPerson).join(', ')}`);
            if (r.maintainersRemoved.length > 0)
              facts.push(
                `maintainers removed: ${r.maintainersRemoved.map(shortPerson).join(', ')}`,
              );
            if (r.installScriptsAdded.length > 0)
              facts.push(`adds install scripts: ${r.installScriptsAdded.join(', ')}`);
            else if (r.installScripts !== null && r.installScripts.length > 0)
              facts.push(`install scripts: ${r.installScripts.join(', ')}`);
            if (r.dependenciesAdded.length > 0)
              facts.push(
                `adds ${r.dependenciesAdded.slice(0, 10).join(', ')}${r.dependenciesAdded.length > 10 ? ` and ${String(r.dependenciesAdded.length - 10)} more` : ''}`,
              );
            if (r.trustedPublisher === true) facts.push('trusted publishing');
            else if (r.provenance === true) facts.push('provenance');
            const flagged = r.flagSeverity !== null && r.flagSeverity !== 'info';
            return h(
              'li',
              { class: flagged ? `release flagged ${r.flagSeverity ?? ''}` : 'release' },
              h('span', { class: 'when' }, r.publishedAt.slice(0, 10)),
              ' ',
              h('strong', {}, r.version),
              flagged ? h('span', { class: 'severity' }, ` ${r.flagSeverity ?? ''} `) : ' ',
              flagged ? h('span', { class: 'ids' }, `${r.flagIds.join(', ')} · `) : null,
              facts.join(' · '),
            );
          }),
        ),
    releases.length > shown.length
      ? note(
          `and ${String(releases.length - shown.length)} older releases${timeline.truncated ? ` (${String(timeline.total)} in all)` : ''}.`,
        )
      : null,
  );
}

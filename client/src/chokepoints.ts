/**
 * The chokepoints list for the current root, and the what-if panel: choose a person and see what
 * their compromised account would reach. Both bring their nodes out in the graph.
 */
import type { ReachedVersion } from '../../shared/wire-types.js';
import { api, ApiError, type Chokepoint } from './api.js';
import { trustWords } from './colours.js';
import { fill, h, note } from './dom.js';
import { displayName, score } from './names.js';

export interface HighlightActions {
  highlight: (keys: string[], focus: string) => void;
  select: (key: string) => void;
  people: () => string[];
}

export async function renderChokepoints(
  host: HTMLElement,
  root: string | undefined,
  actions: HighlightActions,
): Promise<Chokepoint[]> {
  fill(host, h('h2', {}, 'Chokepoints'), note('Ranking…'));
  if (root === undefined) {
    fill(host, h('h2', {}, 'Chokepoints'), note('Choose or ingest a root first.'));
    return [];
  }
  try {
    const answer = await api.chokepoints(root, 50);
    const { chokepoints } = answer;
    const list = h(
      'ol',
      { class: 'ranked', 'aria-label': 'Chokepoints, most fragile first' },
      ...chokepoints.map((c) => {
        const button = h(
          'button',
          { type: 'button', class: 'row' },
          h('span', { class: 'name' }, displayName(c.key)),
          h(
            'span',
            { class: 'meta' },
            `reach ${c.reach} · ${c.busFactorSource === 'unknown' ? 'publishers unknown' : c.busFactor === 1 ? 'one publisher' : `${c.busFactor} publishers`} · fragility ${score(c.fragility)} · trust ${trustWords(c.trust)}`,
          ),
        );
        button.addEventListener('click', () => {
          // A cut path ends before the chokepoint: bring that out too.
          actions.highlight([...c.path, c.key], c.key);
          actions.select(c.key);
        });
        return h('li', {}, button);
      }),
    );
    fill(
      host,
      h('h2', {}, 'Chokepoints'),
      h(
        'p',
        { class: 'hint' },
        'Versions whose compromise reaches most of this root, weighted by how few people can publish them and how little they are trusted. Choose one to see its path from the root.',
      ),
      chokepoints.length > 0 ? list : note('No version in this root has dependents.'),
      chokepoints.length < answer.total
        ? note(`The ${chokepoints.length} most fragile of ${answer.total} are listed.`)
        : null,
    );
    return chokepoints;
  } catch (error) {
    fill(host, h('h2', {}, 'Chokepoints'), note(message(error), 'error'));
    return [];
  }
}

const message = (error: unknown): string =>
  error instanceof ApiError ? `${error.message} (${error.code})` : 'Something went wrong.';

/** How many reached versions the what-if panel lists (and asks the server for). */
const SHOWN = 200;

/**
 * "via a › b" for a reached version's path (its own key left out). A long path shows its first
 * and last two steps and how long it is; a cut one (the server sent only its first hops), its
 * first two.
 */
function via(r: ReachedVersion): HTMLElement | null {
  const steps = (r.pathTruncated ? r.path : r.path.slice(0, -1)).map(displayName);
  if (steps.length === 0) return null;
  const long = steps.length > 5;
  const shown = r.pathTruncated
    ? [...steps.slice(0, 2), '…']
    : long
      ? [...steps.slice(0, 2), '…', ...steps.slice(-2)]
      : steps;
  return h(
    'span',
    { class: 'meta' },
    ` via ${shown.join(' › ')}${long || r.pathTruncated ? ` (${r.hops} hops)` : ''}`,
  );
}

export function mountWhatIf(
  host: HTMLElement,
  root: () => string | undefined,
  actions: HighlightActions,
): { run: (person: string) => Promise<void>; refresh: () => void } {
  const select = h('select', { id: 'whatif-person', 'aria-label': 'Person' });
  const go = h('button', { type: 'button' }, 'Compromise');
  const out = h('div', { class: 'whatif-out', 'aria-live': 'polite' });
  const refresh = (): void => {
    const people = actions.people();
    const current = select.value;
    fill(
      select,
      ...(people.length === 0 ? [h('option', { value: '' }, 'No people in this view')] : []),
      ...people.map((key) => h('option', { value: key }, displayName(key))),
    );
    if (people.includes(current)) select.value = current;
  };
  const run = async (person: string): Promise<void> => {
    if (person === '') {
      fill(out, note('Choose a person first.'));
      return;
    }
    if (![...select.options].some((o) => o.value === person))
      select.append(h('option', { value: person }, displayName(person)));
    select.value = person;
    fill(out, note('Working out what this account reaches…'));
    try {
      const report = await api.whatIf(person, root(), SHOWN);
      const reached = report.reached.map((r) => r.key);
      actions.highlight([person, ...reached, ...report.reached.flatMap((r) => r.path)], person);
      fill(
        out,
        h(
          'p',
          { class: 'verdict' },
          `${displayName(person)} can publish ${report.publishesInto.length} of the resolved versions. A compromised account would reach ${report.reaches} version${report.reaches === 1 ? '' : 's'}${root() === undefined ? '' : ' in this root'}.`,
        ),
        report.rootsReached.length > 0
          ? h('p', {}, `Roots it reaches: ${report.rootsReached.map(displayName).join(', ')}.`)
          : null,
        report.reached.length > 0
          ? h(
              'ul',
              { class: 'keys' },
              ...report.reached.map((r) => h('li', {}, displayName(r.key), via(r))),
            )
          : note('Nothing depends on what this person publishes here.'),
        report.reached.length < report.reaches
          ? note(
              `${report.reached.length} of the ${report.reaches} are listed; trustmap whatif --json lists more.`,
            )
          : null,
      );
    } catch (error) {
      fill(out, note(message(error), 'error'));
    }
  };
  go.addEventListener('click', () => {
    void run(select.value);
  });
  fill(
    host,
    h('h2', {}, 'What if…'),
    h(
      'p',
      { class: 'hint' },
      'Choose a person: see every version that a malicious publish from their account would reach.',
    ),
    h('div', { class: 'row-form' }, h('label', { for: 'whatif-person' }, 'Person'), select, go),
    out,
  );
  refresh();
  return { run, refresh };
}

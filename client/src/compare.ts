/**
 * The Compare panel: two ingested roots, and what moving from the first to the second brings in
 * people terms (`GET /api/diff`, as `trustmap diff`): what to review first, the accounts that can
 * now publish into the tree, the packages added. The head root is then shown with what it adds
 * (the new versions, the paths to them and the new people) brought out in the graph.
 */
import type { TreeDiffAnswer } from '../../shared/wire-types.js';
import { api, ApiError } from './api.js';
import { fill, h, note } from './dom.js';
import { displayName } from './names.js';

export interface CompareActions {
  roots: () => string[];
  /** Shows this root's graph; resolves once it is loaded. */
  showRoot: (root: string) => Promise<void>;
  highlight: (keys: string[], focus: string) => void;
  select: (key: string) => void;
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${String(n)} ${n === 1 ? one : many}`;

function summary(diff: TreeDiffAnswer): string {
  const fresh = diff.peopleAdded.filter((p) => p.newAccount).length;
  return `${plural(diff.added.length, 'version')} added, ${String(diff.removed.length)} removed, ${String(diff.changed.length)} changed. ${plural(diff.peopleAdded.length, 'person', 'people')} can now publish into the tree (${plural(fresh, 'new account')}), ${String(diff.peopleRemoved.length)} no longer can; ${plural(diff.installScripts.length, 'new install script')}.`;
}

export function mountCompare(host: HTMLElement, actions: CompareActions): { refresh: () => void } {
  const base = h('select', { id: 'compare-base', 'aria-label': 'Base' });
  const head = h('select', { id: 'compare-head', 'aria-label': 'Head' });
  const go = h('button', { type: 'button' }, 'Compare');
  const out = h('div', { class: 'compare-out', 'aria-live': 'polite' });
  const refresh = (): void => {
    const roots = actions.roots();
    for (const [select, pick] of [
      [base, 0],
      [head, 1],
    ] as const) {
      const current = select.value;
      fill(select, ...roots.map((r) => h('option', { value: r }, displayName(r))));
      select.value = roots.includes(current) ? current : (roots[pick] ?? roots[0] ?? '');
    }
  };
  go.addEventListener('click', () => {
    void (async () => {
      if (base.value === '' || head.value === '') {
        fill(out, note('Ingest two roots to compare them.'));
        return;
      }
      fill(out, note('Comparing…'));
      try {
        const diff = await api.diff(base.value, head.value);
        await actions.showRoot(diff.head);
        const paths = Object.values(diff.paths ?? {}).flat();
        const people = diff.peopleAdded.map((p) => p.key);
        actions.highlight([...new Set([...paths, ...diff.added, ...people])], diff.head);
        fill(
          out,
          h('p', { class: 'verdict' }, summary(diff)),
          diff.review.length === 0
            ? note('Nothing to review: the trees are the same in people terms.')
            : h(
                'ol',
                { class: 'review', 'aria-label': 'Review first' },
                ...diff.review.map((item) =>
                  h('li', {}, h('strong', {}, item.kind), ` ${item.subject}: ${item.text}`),
                ),
              ),
          diff.peopleAdded.length === 0
            ? null
            : h(
                'ul',
                { class: 'keys', 'aria-label': 'People who can now publish into the tree' },
                ...diff.peopleAdded.map((p) => {
                  const button = h(
                    'button',
                    { type: 'button', class: 'linkish' },
                    `${displayName(p.key)}${p.newAccount ? ' (new account)' : ''}`,
                  );
                  button.addEventListener('click', () => {
                    actions.select(p.key);
                  });
                  return h('li', {}, button, ` can publish ${p.packages.join(', ')}`);
                }),
              ),
        );
      } catch (error) {
        fill(
          out,
          note(
            error instanceof ApiError ? `${error.message} (${error.code})` : String(error),
            'error',
          ),
        );
      }
    })();
  });
  fill(
    host,
    h('h2', {}, 'Compare two roots'),
    h(
      'p',
      {},
      'What moving from the base to the head brings: the people who can now publish into it, first.',
    ),
    h(
      'div',
      { class: 'compare-form' },
      h('label', { for: 'compare-base' }, 'Base'),
      base,
      h('label', { for: 'compare-head' }, 'Head'),
      head,
      go,
    ),
    out,
  );
  refresh();
  return { refresh };
}

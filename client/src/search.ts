/**
 * The search box: a combobox whose suggestions come from /api/search as the user types. Arrow keys
 * move through them, Enter chooses, Escape closes; "/" anywhere focuses the box.
 */
import { api, ApiError, type SearchResult } from './api.js';
import { trustWords } from './colours.js';
import { h, fill } from './dom.js';
import { kindOf } from './names.js';

export function mountSearch(host: HTMLElement, onChoose: (result: SearchResult) => void): void {
  const input = h('input', {
    type: 'search',
    'aria-label': 'Search',
    placeholder: 'Search  ( / )',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'search-list',
    autocomplete: 'off',
  });
  const list = h('ul', { id: 'search-list', role: 'listbox', class: 'suggestions', hidden: true });
  host.append(input, list);

  let results: SearchResult[] = [];
  let active = -1;
  let timer: number | undefined;
  let asked = 0;

  const close = (): void => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (index: number): void => {
    active = index;
    [...list.children].forEach((item, i) => {
      item.setAttribute('aria-selected', String(i === index));
    });
    if (index >= 0) input.setAttribute('aria-activedescendant', `search-option-${index}`);
  };
  const choose = (index: number): void => {
    const result = results[index];
    if (result === undefined) return;
    close();
    input.value = result.name;
    onChoose(result);
  };
  const show = (found: SearchResult[], message?: string): void => {
    results = found;
    fill(
      list,
      ...found.map((result, i) => {
        const item = h(
          'li',
          { id: `search-option-${i}`, role: 'option', 'aria-selected': 'false' },
          h('span', { class: 'name' }, result.name),
          h(
            'span',
            { class: 'meta' },
            `${kindOf([result.label])} · trust ${trustWords(result.trust)}`,
          ),
        );
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(i);
        });
        return item;
      }),
      message === undefined ? null : h('li', { class: 'message', role: 'presentation' }, message),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark(-1);
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q === '') {
      close();
      return;
    }
    timer = window.setTimeout(() => {
      const ticket = ++asked;
      api.search(q).then(
        ({ results: found }) => {
          if (ticket !== asked) return;
          show(found, found.length === 0 ? `Nothing in the graph matches “${q}”.` : undefined);
        },
        (error: unknown) => {
          if (ticket !== asked) return;
          show(
            [],
            error instanceof ApiError ? `Search failed: ${error.message}` : 'Search failed.',
          );
        },
      );
    }, 150);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && results.length > 0) {
      event.preventDefault();
      if (list.hidden) list.hidden = false;
      mark((active + 1) % results.length);
    } else if (event.key === 'ArrowUp' && results.length > 0) {
      event.preventDefault();
      mark(active <= 0 ? results.length - 1 : active - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(active >= 0 ? active : 0);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => {
    setTimeout(close, 100);
  });
  document.addEventListener('keydown', (event) => {
    // The first element of the composed path: the editor's content, not the shadow root's host.
    const target = (event.composedPath()[0] ?? null) as HTMLElement | null;
    const typing =
      target !== null &&
      (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
    if (event.key === '/' && !typing) {
      event.preventDefault();
      input.focus();
    }
  });
}

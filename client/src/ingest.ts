/**
 * The ingest panel: registry specs and a file upload (lockfile, requirements file or SBOM), with
 * live progress from the server.
 */
import { api, ApiError, followIngest, type IngestEvent } from './api.js';
import { fill, h, note } from './dom.js';

const LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
];
/** What the server takes (it decides; this only saves a round trip for an obvious mistake). */
const takes = (name: string): boolean =>
  LOCKFILES.includes(name) || /^requirements.*\.(txt|in)$|\.in$|\.json$/.test(name);
const MAX_UPLOAD = 20 * 1024 * 1024;

export function mountIngest(host: HTMLElement, onDone: (roots: string[]) => void): void {
  const specs = h('input', {
    id: 'ingest-specs',
    type: 'text',
    placeholder: 'npm:express pypi:requests@2.31.0',
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const file = h('input', {
    id: 'ingest-file',
    type: 'file',
    accept: [...LOCKFILES, '.txt', '.in', '.json'].join(','),
  });
  const start = h('button', { type: 'button', class: 'primary' }, 'Ingest');
  const bar = h('progress', { max: '1', 'aria-label': 'Ingest progress' });
  bar.hidden = true;
  const out = h('div', { class: 'ingest-out', 'aria-live': 'polite' });

  fill(
    host,
    h('h2', {}, 'Ingest'),
    h(
      'p',
      { class: 'hint' },
      'Add packages by spec (npm:<name>[@range], pypi:<name>[@version], or a package URL), or upload a lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock, Pipfile.lock), a requirements file, or a CycloneDX or SPDX JSON SBOM. The graph is scored when the ingest ends.',
    ),
    h('div', { class: 'row-form' }, h('label', { for: 'ingest-specs' }, 'Specs'), specs),
    h('div', { class: 'row-form' }, h('label', { for: 'ingest-file' }, 'File'), file),
    start,
    bar,
    out,
  );

  const show = (event: IngestEvent): void => {
    if (event.type === 'progress') {
      const { resolved, queued, fetched, failures } = event.data;
      bar.max = Math.max(1, resolved + queued);
      bar.value = resolved;
      fill(
        out,
        h(
          'p',
          {},
          `${resolved} versions resolved, ${queued} waiting, ${fetched} documents fetched${failures > 0 ? `, ${failures} failed` : ''}.`,
        ),
      );
    } else if (event.type === 'scoring') {
      fill(out, h('p', {}, 'Ingested; scoring the graph…'));
    } else if (event.type === 'done') {
      bar.hidden = true;
      const failures = event.data.failures;
      fill(
        out,
        h('p', { class: 'verdict' }, `Done: ${event.data.scored}.`),
        failures.length > 0
          ? note(
              `${failures.length} could not be ingested${failures.every((f) => f.optional) ? ' (optional dependencies only)' : ''}:`,
              'error',
            )
          : null,
        failures.length > 0
          ? h(
              'ul',
              { class: 'keys' },
              ...failures
                .slice(0, 20)
                .map((f) => h('li', {}, `${f.name}@${f.spec}: ${f.reason} (${f.code})`)),
            )
          : null,
      );
      start.disabled = false;
      onDone(event.data.roots.flatMap((r) => (r.resolved === null ? [] : [r.resolved])));
    } else {
      bar.hidden = true;
      start.disabled = false;
      fill(out, note(`The ingest failed: ${event.data.message} (${event.data.code})`, 'error'));
    }
  };

  start.addEventListener('click', () => {
    void (async () => {
      const list = specs.value.split(/\s+/).filter((s) => s !== '');
      const chosen = file.files?.[0];
      if (list.length === 0 && chosen === undefined) {
        fill(out, note('Give at least one spec or choose a file.', 'error'));
        return;
      }
      let lockfile: { name: string; content: string } | undefined;
      if (chosen !== undefined) {
        if (!takes(chosen.name)) {
          fill(
            out,
            note(
              `${chosen.name} is not a lockfile (${LOCKFILES.join(', ')}), a requirements file or a JSON SBOM.`,
              'error',
            ),
          );
          return;
        }
        if (chosen.size > MAX_UPLOAD) {
          fill(out, note('This file is larger than 20 MiB; ingest it with the CLI.', 'error'));
          return;
        }
        lockfile = { name: chosen.name, content: await chosen.text() };
      }
      start.disabled = true;
      bar.hidden = false;
      bar.removeAttribute('value');
      fill(out, h('p', {}, 'Starting…'));
      try {
        const job = await api.startIngest(list, lockfile);
        await followIngest(job.events, show);
      } catch (error) {
        start.disabled = false;
        bar.hidden = true;
        fill(
          out,
          note(
            error instanceof ApiError
              ? `${error.message} (${error.code})`
              : 'The ingest could not start.',
            'error',
          ),
        );
      }
    })();
  });
}

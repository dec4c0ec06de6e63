/** The legend: what the colours (effective trust), the shapes (kinds) and the sizes mean. */
import { FLAGGED, SHAPES, TRUST_BANDS, UNSCORED } from './colours.js';
import { fill, h } from './dom.js';

export function renderLegend(element: HTMLElement): void {
  fill(
    element,
    h('h2', {}, 'Effective trust'),
    h(
      'ul',
      {},
      ...[...TRUST_BANDS, { colour: UNSCORED.colour, words: UNSCORED.words }].map((band) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.background = band.colour;
        return h('li', {}, swatch, band.words);
      }),
    ),
    h(
      'ul',
      { class: 'shapes' },
      ...Object.values(SHAPES).map((s) =>
        h('li', {}, h('span', { class: `shape ${s.shape}`, 'aria-hidden': 'true' }), s.words),
      ),
    ),
    h('p', { class: 'flag-key' }, flagRing(), FLAGGED.words),
    h('p', {}, 'Size: reach (how many versions depend on it).'),
  );
}

function flagRing(): HTMLElement {
  const ring = h('span', { class: 'swatch ring', 'aria-hidden': 'true' });
  ring.style.borderColor = FLAGGED.colour;
  return ring;
}

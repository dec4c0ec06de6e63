/** The panels' tab strip: one tab per panel, arrow keys move between them. */
import { h } from './dom.js';
import { PANEL_NAMES, PANELS, type Panel } from './url-state.js';

/** Fills `host` with the tabs; `open` is called with the panel a user picks. */
export function mountTabs(
  host: HTMLElement,
  open: (panel: Panel) => void,
): Map<Panel, HTMLButtonElement> {
  const tabButtons = new Map<Panel, HTMLButtonElement>();
  for (const panel of PANELS) {
    const button = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${panel}`,
        'aria-controls': panel,
        'aria-selected': 'false',
      },
      PANEL_NAMES[panel],
    );
    button.addEventListener('click', () => {
      open(panel);
    });
    button.addEventListener('keydown', (event) => {
      const at = PANELS.indexOf(panel);
      const next =
        event.key === 'ArrowRight'
          ? PANELS[(at + 1) % PANELS.length]
          : event.key === 'ArrowLeft'
            ? PANELS[(at + PANELS.length - 1) % PANELS.length]
            : undefined;
      if (next !== undefined) {
        event.preventDefault();
        open(next);
        tabButtons.get(next)?.focus();
      }
    });
    tabButtons.set(panel, button);
    host.append(button);
  }
  return tabButtons;
}

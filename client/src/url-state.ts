/** The shareable part of the view in the URL: the root, the selected node and the open panel. */
export const PANELS = ['details', 'chokepoints', 'whatif', 'compare', 'cypher', 'ingest'] as const;
export type Panel = (typeof PANELS)[number];
/** Each panel's tab label. */
export const PANEL_NAMES: Record<Panel, string> = {
  details: 'Details',
  chokepoints: 'Chokepoints',
  whatif: 'What-if',
  compare: 'Compare',
  cypher: 'Cypher',
  ingest: 'Ingest',
};

export interface ViewState {
  root: string | undefined;
  node: string | undefined;
  panel: Panel;
}

export function readState(location: Location = window.location): ViewState {
  const params = new URLSearchParams(location.search);
  const panel = params.get('panel');
  return {
    root: params.get('root') ?? undefined,
    node: params.get('node') ?? undefined,
    panel: PANELS.includes(panel as Panel) ? (panel as Panel) : 'details',
  };
}

export function writeState(state: ViewState, push = false): void {
  const params = new URLSearchParams();
  if (state.root !== undefined) params.set('root', state.root);
  if (state.node !== undefined) params.set('node', state.node);
  if (state.panel !== 'details') params.set('panel', state.panel);
  const query = params.toString();
  const url = `${window.location.pathname}${query === '' ? '' : `?${query}`}`;
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}

/**
 * Building the page without HTML strings: every piece of text, registry data above all, goes in
 * as a text node, and links only ever point at http(s) addresses.
 */
type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string | undefined;
  id?: string | undefined;
  type?: string | undefined;
  role?: string | undefined;
  title?: string | undefined;
  name?: string | undefined;
  value?: string | undefined;
  placeholder?: string | undefined;
  hidden?: boolean | undefined;
  disabled?: boolean | undefined;
  tabindex?: number | undefined;
  for?: string | undefined;
  rel?: string | undefined;
  target?: string | undefined;
  accept?: string | undefined;
  autocomplete?: string | undefined;
  scope?: string | undefined;
  max?: string | undefined;
  spellcheck?: string | undefined;
  min?: string | undefined;
  step?: string | undefined;
  [aria: `aria-${string}`]: string;
  [data: `data-${string}`]: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props) as [
    string,
    string | number | boolean | undefined,
  ][]) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The URL when it is http(s), else undefined: no javascript:, data: or relative links. */
export function safeUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 2048) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** An external link when the address is http(s), the bare text otherwise. */
export function link(raw: unknown, text: string): HTMLElement {
  const href = safeUrl(raw);
  if (href === undefined) return h('span', {}, text);
  const a = h('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }, text);
  a.href = href;
  return a;
}

export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element;
}

/** A message in words for an empty or failed panel. */
export function note(text: string, kind: 'empty' | 'error' = 'empty'): HTMLElement {
  return h('p', { class: `note ${kind}`, role: kind === 'error' ? 'alert' : undefined }, text);
}

/** Saves a blob as a file through a temporary link. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { hidden: true });
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

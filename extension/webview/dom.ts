/**
 * The one way the page scripts (the webviews' and the web board's) build their pages: elements, attributes and text
 * nodes, so text an agent sent never becomes markup.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, children?: readonly (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const child of children ?? []) node.append(child);
  return node;
}

/**
 * A name that may be cut to fit, whose end `tell` (what tells it from others of the same name, "(started 14:05)") stays
 * whole: only the part before it shrinks to an ellipsis (`.cut-name` in charts.css).
 */
export function cutName(text: string, tell: string | undefined, attrs: Record<string, string>): HTMLElement {
  const node = el('span', { ...attrs, class: `${attrs['class'] ?? ''} cut-name`.trim() });
  if (tell && text.endsWith(tell)) node.append(el('span', { class: 'cut' }, [text.slice(0, -tell.length).trimEnd()]), el('span', { class: 'tell' }, [tell]));
  else node.append(el('span', { class: 'cut' }, [text]));
  return node;
}

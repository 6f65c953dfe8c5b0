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

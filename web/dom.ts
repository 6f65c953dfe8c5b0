/**
 * The board builds its DOM with the same `el` the webview scripts use (media/dom.js): elements, attributes and text
 * nodes only, so text an agent sent never becomes markup.
 */
declare global {
  interface Window {
    el(tag: string, attrs?: Record<string, string>, children?: (Node | string)[]): HTMLElement;
  }
}

export function el(tag: string, attrs?: Record<string, string>, children?: (Node | string)[]): HTMLElement {
  return window.el(tag, attrs, children);
}

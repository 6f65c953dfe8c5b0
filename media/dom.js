// The one way the webview scripts build their pages: elements, attributes and text nodes, so text an agent sent never
// becomes markup. Loaded before each page's own script.
/** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [children] */
window.el = function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children || []) node.append(child);
  return node;
};

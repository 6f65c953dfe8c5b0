/** The page host in a VS Code webview: its API, which the webview host hands out once per page. */
import type { PageHost } from './pageHost.js';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

export function vscodeHost<Inbound, Outbound, State>(): PageHost<Inbound, Outbound, State> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (listener) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the panel posts to its webview, always a message of its Outbound type.
        if (typeof event.data === 'object' && event.data !== null && typeof (event.data as { type?: unknown }).type === 'string') listener(event.data as Outbound);
      }),
    getState: () => api.getState() as State | undefined,
    setState: (state) => api.setState(state),
    opensFiles: true,
  };
}

/** The element a page draws into: the shell's `<main id="page">`. */
export function pageElement(): HTMLElement {
  return document.getElementById('page') as HTMLElement;
}

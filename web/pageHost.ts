/**
 * What the webview scripts in media/ (task page, timeline, dashboard) talk to when they run on the web board instead
 * of in VS Code: each gets its own page element, a stand-in for the webview API (its messages come here), and an
 * inbox to receive views on. Imported before those scripts, which look for it when they start.
 */
export type PageName = 'taskPage' | 'timeline' | 'dashboard';

export interface PageMessage {
  page: PageName;
  message: { type: string; [key: string]: unknown };
}

interface PageApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface PageHost {
  api(name: PageName): PageApi;
  page(name: PageName): HTMLElement;
  inbox(name: PageName): EventTarget;
}

declare global {
  interface Window {
    agentTrackerHost?: PageHost;
  }
}

const pages = new Map<PageName, { element: HTMLElement; inbox: EventTarget }>();
const listeners: ((message: PageMessage) => void)[] = [];

function entry(name: PageName): { element: HTMLElement; inbox: EventTarget } {
  let found = pages.get(name);
  if (!found) {
    const element = document.createElement('div');
    element.className = `page page-${name}`;
    pages.set(name, (found = { element, inbox: new EventTarget() }));
  }
  return found;
}

window.agentTrackerHost = {
  api: (name) => ({
    postMessage: (message) => {
      if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') return;
      for (const listener of listeners) listener({ page: name, message: message as PageMessage['message'] });
    },
    // The board keeps no state for the pages: it renders them again from the model.
    getState: () => undefined,
    setState: () => undefined,
  }),
  page: (name) => entry(name).element,
  inbox: (name) => entry(name).inbox,
};

/** The element a page script draws into. */
export function pageElement(name: PageName): HTMLElement {
  return entry(name).element;
}

/** Hands a page script a message, as the extension's postMessage would. */
export function sendToPage(name: PageName, message: { type: string; [key: string]: unknown }): void {
  entry(name).inbox.dispatchEvent(new MessageEvent('message', { data: message }));
}

export function onPageMessage(listener: (message: PageMessage) => void): void {
  listeners.push(listener);
}

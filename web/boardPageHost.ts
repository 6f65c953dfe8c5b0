/**
 * The page host of the web board: the extension's page scripts (task page, timeline, dashboard) run here as they do in
 * a webview, each with its own element to draw into, posting to the board instead of the extension and sent views by
 * the board. Messages are typed as each panel types them, both ways.
 */
import type { TaskPageInbound, TaskPageOutbound } from '../extension/src/webviews/taskPage/taskPageMessages.js';
import type { DashboardInbound, DashboardOutbound, TimelineInbound, TimelineOutbound } from '../extension/src/webviews/livePanelMessages.js';
import type { PageHost } from '../extension/webview/pageHost.js';

interface Pages {
  taskPage: { inbound: TaskPageInbound; outbound: TaskPageOutbound };
  timeline: { inbound: TimelineInbound; outbound: TimelineOutbound };
  dashboard: { inbound: DashboardInbound; outbound: DashboardOutbound };
}

export type PageName = keyof Pages;
export type PageOutbound<P extends PageName> = Pages[P]['outbound'];
/** A message a page posted, with the page it came from. */
export type PageMessage = { [P in PageName]: { page: P; message: Pages[P]['inbound'] } }[PageName];

const elements = new Map<PageName, HTMLElement>();
const toPages: { [P in PageName]: ((message: PageOutbound<P>) => void)[] } = { taskPage: [], timeline: [], dashboard: [] };
const fromPages: ((message: PageMessage) => void)[] = [];

/** A page's host on the board; `State` is the page's, which the board does not keep (it draws pages from the model). */
export function boardPageHost<P extends PageName, State>(name: P): PageHost<Pages[P]['inbound'], PageOutbound<P>, State> {
  return {
    post: (message) => {
      // The page and its message types go together (Pages), which TypeScript cannot follow through the generic.
      for (const listener of fromPages) listener({ page: name, message } as PageMessage);
    },
    onMessage: (listener) => void toPages[name].push(listener),
    getState: () => undefined,
    setState: () => undefined,
    opensFiles: false,
  };
}

/** The element a page script draws into. */
export function pageElement(name: PageName): HTMLElement {
  let element = elements.get(name);
  if (!element) {
    element = document.createElement('div');
    element.className = `page page-${name}`;
    elements.set(name, element);
  }
  return element;
}

/** Hands a page script a message, as the extension's postMessage would. */
export function sendToPage<P extends PageName>(name: P, message: PageOutbound<P>): void {
  for (const listener of toPages[name]) listener(message);
}

export function onPageMessage(listener: (message: PageMessage) => void): void {
  fromPages.push(listener);
}

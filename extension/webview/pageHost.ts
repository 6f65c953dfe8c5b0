/**
 * What a page script talks to: VS Code's webview API when it runs in a webview (vscodeHost.ts), the web board's
 * stand-in when it runs on the board (web/boardPageHost.ts). `Inbound` and `Outbound` are the page's messages as its
 * panel names them: what the page posts, and what it is sent.
 */
export interface PageHost<Inbound, Outbound, State> {
  post(message: Inbound): void;
  onMessage(listener: (message: Outbound) => void): void;
  /** What the page saved the last time it ran (a webview hidden behind other tabs runs again when shown). */
  getState(): State | undefined;
  setState(state: State): void;
  /** Whether the page can open files of this machine: VS Code can, the web board cannot. */
  readonly opensFiles: boolean;
}

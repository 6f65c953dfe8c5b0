// The bundle the webview loads (out/bundle/webview/timeline.js): the page in VS Code, drawing into the shell's main element.
import { startTimeline } from '../timeline.js';
import { pageElement, vscodeHost } from '../vscodeHost.js';

startTimeline(vscodeHost(), pageElement());

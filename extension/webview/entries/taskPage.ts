// The bundle the webview loads (out/bundle/webview/taskPage.js): the page in VS Code, drawing into the shell's main element.
import { startTaskPage } from '../taskPage.js';
import { pageElement, vscodeHost } from '../vscodeHost.js';

startTaskPage(vscodeHost(), pageElement());

// The bundle the webview loads (out/bundle/webview/dashboard.js): the page in VS Code, drawing into the shell's main element.
import { startDashboard } from '../dashboard.js';
import { pageElement, vscodeHost } from '../vscodeHost.js';

startDashboard(vscodeHost(), pageElement());

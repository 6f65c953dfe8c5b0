// The web board's entry: the page host first (the webview scripts look for it when they run), the shared scripts of
// the extension's webviews, then the board itself.
import './pageHost.js';
import '../media/dom.js';
import '../media/taskPage.js';
import '../media/timeline.js';
import '../media/dashboard.js';
import { startBoard } from './boardApp.js';

startBoard(document.getElementById('app') as HTMLElement);

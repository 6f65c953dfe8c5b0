// The web board's entry: the extension's page scripts, each started on its board host (their views come from the
// board, not a webview), then the board itself.
import { startDashboard } from '../extension/webview/dashboard.js';
import { startTaskPage } from '../extension/webview/taskPage.js';
import { startTimeline } from '../extension/webview/timeline.js';
import { boardPageHost, pageElement } from './boardPageHost.js';
import { startBoard } from './boardApp.js';

startTaskPage(boardPageHost('taskPage'), pageElement('taskPage'));
startTimeline(boardPageHost('timeline'), pageElement('timeline'));
startDashboard(boardPageHost('dashboard'), pageElement('dashboard'));
startBoard(document.getElementById('app') as HTMLElement);

// The bundle the webview loads (out/bundle/webview/replay.js): the replay page in VS Code.
import { startReplay } from '../replay.js';
import { vscodeHost } from '../vscodeHost.js';

startReplay(vscodeHost());

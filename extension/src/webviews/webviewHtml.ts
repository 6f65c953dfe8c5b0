/**
 * The one page shell of every webview: a CSP that allows nothing but our own stylesheet (from media/) and the page's
 * script carrying a fresh nonce (its bundle, built from extension/webview/ into out/bundle/webview/). Agent text never
 * goes into this HTML: the scripts put it into the DOM as text.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageShell {
  /** A fixed heading shown until the script renders (no agent text). */
  heading: string;
  /** The page's bundle in out/bundle/webview/. */
  script: string;
  /** Its stylesheet in media/. */
  style: string;
  /** Static markup of the page's skeleton (no agent text). */
  body: string;
}

/** Where the build puts the pages' scripts (scripts/build.mjs). */
const SCRIPTS = ['out', 'bundle', 'webview'];

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, ...SCRIPTS)] };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: PageShell): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${asset('media', shell.style)}" rel="stylesheet">
<title>${shell.heading}</title>
</head>
<body>
${shell.body}
<script nonce="${nonce}" src="${asset(...SCRIPTS, shell.script)}"></script>
</body>
</html>`;
}

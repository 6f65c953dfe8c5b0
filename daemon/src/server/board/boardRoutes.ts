/**
 * The web board's pages: the shell at `/` (static markup, no data: the script fetches everything with the session),
 * its bundled script and stylesheet under `/board/`, `/login?code=` (a one-time code becomes the session cookie) and
 * `POST /logout`. Every page carries a strict Content-Security-Policy: our own script and stylesheet, calls to this
 * origin only, no inline code, no frames.
 */
import { readFileSync } from 'node:fs';
import { Router, type Request, type Response } from 'express';
import { TrackerError } from '../../protocol/index.js';
import { boardAsset } from './boardAssets.js';
import { readCookie, sessionCookieName, type BoardSessions } from './sessions.js';

export interface BoardOptions {
  sessions: BoardSessions;
  port: () => number;
  secure: boolean;
}

export function boardRouter(options: BoardOptions): Router {
  const router = Router();
  const cookieName = (): string => sessionCookieName(options.port());

  router.get('/', (req, res) => {
    page(req, res, options.secure);
    res.type('html').send(shell());
  });

  router.get('/board/:file', (req, res) => {
    const asset = boardAsset(String(req.params.file));
    if (!asset) throw new TrackerError('not_found', 'no such board file');
    res.setHeader('Cache-Control', 'no-cache');
    res.type(asset.type).send(readFileSync(asset.path));
  });

  router.get('/login', (req, res) => {
    page(req, res, options.secure);
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const session = code.length > 0 && code.length <= 100 ? options.sessions.redeem(code) : null;
    if (!session) {
      res.status(403).type('html').send(message('This login link was already used or has expired.', 'Run agent-tracker open again for a new one (each works once, within 60 seconds).'));
      return;
    }
    const maxAge = Math.floor(options.sessions.sessionTtlMs / 1000);
    const secure = options.secure ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`);
    // The code leaves the address bar (and the history) at once.
    res.redirect(303, '/');
  });

  router.post('/logout', (req, res) => {
    options.sessions.end(readCookie(req.headers.cookie, cookieName()));
    const secure = options.secure ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${cookieName()}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure}`);
    res.status(204).end();
  });

  return router;
}

/** Headers of every board page: the policy, no caching of the shell, no framing. */
function page(req: Request, res: Response, secure: boolean): void {
  // The Host header already passed the guard's check, so it names this daemon.
  const host = String(req.headers.host ?? '');
  const ws = `${secure ? 'wss' : 'ws'}://${host}`;
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${ws}`,
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
}

function shell(): string {
  return htmlPage('<div id="app"><p class="muted">Loading the board…</p></div>\n<script src="/board/board.js"></script>');
}

function message(title: string, text: string): string {
  return htmlPage(`<main class="message"><h1>${title}</h1><p>${text}</p></main>`);
}

/** The board's HTML frame: its stylesheet, the phone viewport and both colour schemes around `body`. */
function htmlPage(body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Agent Tracker</title>
<link rel="stylesheet" href="/board/board.css">
</head>
<body>
${body}
</body>
</html>
`;
}

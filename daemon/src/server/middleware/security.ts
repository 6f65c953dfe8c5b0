/**
 * The checks every request and every WebSocket upgrade passes, as plain functions so that the HTTP middleware and the
 * stream's `upgrade` handler share one implementation.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { TrackerError } from '../../protocol/index.js';
import { readCookie, sessionCookieName, type BoardSessions } from '../board/sessions.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface GuardOptions {
  token: string;
  /** The port actually listened on (known only after listen when started with port 0). */
  port: () => number;
  /** A non-loopback `--host` the user chose; requests naming it are accepted too. */
  extraHost?: string;
  /** The web board's logins; without them no session cookie is accepted. */
  sessions?: BoardSessions;
  /** The daemon serves TLS: the board's own origin is https. */
  secure?: boolean;
}

/** What a request needs no credentials for: the health check and the board's login page, shell and assets. */
export function isPublic(method: string | undefined, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return path === '/healthz' || path === '/' || path === '/login' || path.startsWith('/board/');
}

export interface RequestHeads {
  method: string | undefined;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Every check a request or an upgrade passes, in order: Host; then the bearer token (and no Origin: API clients are
 * not web pages), or the board's session cookie (and the board's own origin: no other site, no other port of this
 * host, no `null` origin may act with it), or a public route (still without an Origin).
 */
export function authorize(req: RequestHeads, options: GuardOptions): TrackerError | null {
  const host = header(req.headers.host);
  const origin = header(req.headers.origin);
  const hostRefusal = checkHost(host, options);
  if (hostRefusal) return hostRefusal;
  const authorization = header(req.headers.authorization);
  if (authorization === undefined && options.sessions) {
    const session = readCookie(header(req.headers.cookie), sessionCookieName(options.port()));
    if (options.sessions.isValid(session)) return checkSameOrigin(req, host as string, options);
  }
  return checkOrigin(origin) ?? (authorization === undefined && isPublic(req.method, req.path) ? null : checkToken(authorization, options.token));
}

/**
 * A request carrying the session cookie comes from a browser: it must name the board's own origin, or (a navigation
 * or a same-origin GET, where browsers leave Origin out) at least not come from another site.
 */
export function checkSameOrigin(req: RequestHeads, host: string, options: GuardOptions): TrackerError | null {
  const expected = `${options.secure ? 'https' : 'http'}://${host.toLowerCase()}`;
  const origin = header(req.headers.origin);
  if (origin !== undefined && origin.toLowerCase() !== expected) {
    return new TrackerError('forbidden', `requests from ${JSON.stringify(origin)} are refused: only the board's own page may use its session`);
  }
  const site = header(req.headers['sec-fetch-site']);
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (site !== undefined && site !== 'same-origin' && !(site === 'none' && reading)) {
    return new TrackerError('forbidden', `a ${site} request may not use the board's session`);
  }
  if (origin === undefined && site === undefined && !reading) {
    return new TrackerError('forbidden', "a change made with the board's session must come from the board's page (Origin)");
  }
  return null;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The Host values a daemon answers to, per its options, for the port they were made for (it is known after listen). */
const hostsCache = new WeakMap<GuardOptions, { port: number; hosts: ReadonlySet<string> }>();

function allowedHosts(options: GuardOptions): ReadonlySet<string> {
  const port = options.port();
  const cached = hostsCache.get(options);
  if (cached?.port === port) return cached.hosts;
  const names = [...LOOPBACK_NAMES, ...(options.extraHost ? [formatHost(options.extraHost)] : [])];
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  hostsCache.set(options, { port, hosts });
  return hosts;
}

/** Refuses a Host header that is not this daemon on loopback: the defence against DNS rebinding. */
export function checkHost(host: string | undefined, options: GuardOptions): TrackerError | null {
  if (host && allowedHosts(options).has(host.toLowerCase())) return null;
  return new TrackerError('forbidden', `Host ${JSON.stringify(host ?? '')} is not allowed`);
}

/** Browsers always send Origin on cross-site requests; no legitimate client of this API does. */
export function checkOrigin(origin: string | undefined): TrackerError | null {
  return origin === undefined ? null : new TrackerError('forbidden', 'requests from web pages are refused');
}

/** The token's bytes, made once rather than on every request. */
const tokenBytes = new Map<string, Buffer>();

export function checkToken(authorization: string | undefined, token: string): TrackerError | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const given = Buffer.from(match?.[1] ?? '');
  let expected = tokenBytes.get(token);
  if (!expected) tokenBytes.set(token, (expected = Buffer.from(token)));
  if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  return new TrackerError('unauthorized', match ? 'wrong bearer token' : 'missing bearer token (Authorization: Bearer <token>)');
}

/** `authorize` for every route; answers are never to be read by another origin or sniffed as something else. */
export function guard(options: GuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next(authorize({ method: req.method, path: req.path, headers: req.headers }, options) ?? undefined);
  };
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase();
}

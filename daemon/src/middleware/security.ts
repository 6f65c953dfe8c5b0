/**
 * The checks every request and every WebSocket upgrade passes, as plain functions so that the HTTP middleware and the
 * stream's `upgrade` handler share one implementation.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { TrackerError } from '../protocol/index.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface GuardOptions {
  token: string;
  /** The port actually listened on (known only after listen when started with port 0). */
  port: () => number;
  /** A non-loopback `--host` the user chose; requests naming it are accepted too. */
  extraHost?: string;
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

/** Host and Origin for every route; the token for every route but `GET /healthz` (and its `HEAD`). */
export function guard(options: GuardOptions) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const refusal =
      checkHost(req.headers.host, options) ??
      checkOrigin(req.headers.origin) ??
      ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/healthz'
        ? null
        : checkToken(req.headers.authorization, options.token));
    next(refusal ?? undefined);
  };
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase();
}

/**
 * The web board's logins: one-time codes (asked for with the bearer token, good once within 60 s) traded for a session
 * cookie. Sessions live in the daemon's memory only: a restart logs every browser out, and each one ends 12 hours
 * after login or at logout. Codes and session ids are 256 random bits, compared by their hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LOGIN_CODE_TTL_MS, TrackerError } from '../../protocol/index.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_CODES = 64;
const MAX_SESSIONS = 256;

export interface SessionOptions {
  now?: () => number;
  codeTtlMs?: number;
  sessionTtlMs?: number;
}

export class BoardSessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly now: () => number;
  private readonly codeTtlMs: number;
  readonly sessionTtlMs: number;

  constructor(options: SessionOptions = {}) {
    this.now = options.now ?? Date.now;
    this.codeTtlMs = options.codeTtlMs ?? LOGIN_CODE_TTL_MS;
    this.sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  }

  /** A new code and when it stops working. */
  createCode(): { code: string; expiresAt: number } {
    this.sweep();
    if (this.codes.size >= MAX_CODES) throw new TrackerError('conflict', 'too many login codes outstanding; wait a minute');
    const code = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.codeTtlMs;
    this.codes.set(digest(code), expiresAt);
    return { code, expiresAt };
  }

  /** Trades a code for a session id; a code works once, and only before it expires. */
  redeem(code: string): string | null {
    const key = digest(code);
    const expiresAt = this.codes.get(key);
    this.codes.delete(key);
    if (expiresAt === undefined || expiresAt < this.now()) return null;
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      // The oldest session makes room: a browser left logged in somewhere is the one to go.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session = randomBytes(32).toString('base64url');
    this.sessions.set(digest(session), this.now() + this.sessionTtlMs);
    return session;
  }

  isValid(session: string | undefined): boolean {
    if (!session) return false;
    const expiresAt = this.sessions.get(digest(session));
    if (expiresAt === undefined) return false;
    if (expiresAt >= this.now()) return true;
    this.sessions.delete(digest(session));
    return false;
  }

  end(session: string | undefined): void {
    if (session) this.sessions.delete(digest(session));
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, at] of this.codes) if (at < now) this.codes.delete(key);
    for (const [key, at] of this.sessions) if (at < now) this.sessions.delete(key);
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** The cookie's name carries the port: daemons on other ports of the same host never read or overwrite each other's. */
export function sessionCookieName(port: number): string {
  return `agent_tracker_session_${port}`;
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

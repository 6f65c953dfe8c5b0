/** The agent id a command-line run reports as when none is given: stable per user and machine. */
import { hostname, userInfo } from 'node:os';

/** `<user>.<host>`, reduced to the characters an id may hold (`[A-Za-z0-9._:-]`). */
export function defaultAgentId(): string {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    // no passwd entry (some containers): keep the placeholder
  }
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._:-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${clean(user) || 'user'}.${clean(hostname().split('.')[0] ?? '') || 'host'}`.slice(0, 128);
}

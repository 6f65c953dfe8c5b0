/**
 * Claude Code's own registry of live sessions: one file per running process, `<config dir>/sessions/<pid>.json`
 * (`{ pid, sessionId, cwd, startedAt, procStart, version, kind, entrypoint, name }` in 2.1.x), written when a session
 * starts and removed when it exits. Sessions started before the hooks were installed appear there and nowhere else.
 * The file is undocumented: it is read only in the shape seen in the versions named below, and anything else is
 * ignored rather than guessed at.
 */
import { z } from 'zod';
import type { AgentMeta } from '../../protocol/index.js';
import { agentName, idFrom } from '../hooks/text.js';

/** Claude Code versions whose session files have the shape below (2.1.197 was read on this format). */
const KNOWN_MAJOR = 2;

const SessionFile = z.object({
  pid: z.int().min(2).max(2 ** 31),
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  cwd: z.string().min(1).max(4096),
  startedAt: z.number().int().positive(),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
});

export interface ClaudeSession {
  pid: number;
  sessionId: string;
  cwd: string;
  /** When the session's process started (ms since the epoch), to tell it from a later process with the same pid. */
  startedAt: number;
  version: string;
}

/** The session a file describes, or a reason it is not read (another format, another version, not JSON). */
export function readClaudeSession(fileName: string, text: string): ClaudeSession | { skipped: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { skipped: 'not JSON' };
  }
  const parsed = SessionFile.safeParse(json);
  if (!parsed.success) return { skipped: 'not the session file format this version reads' };
  const session = parsed.data;
  if (Number(session.version.split('.')[0]) !== KNOWN_MAJOR) return { skipped: `Claude Code ${session.version} is not a version this reader knows` };
  if (fileName !== `${session.pid}.json`) return { skipped: 'the file is not named after its pid' };
  return session;
}

/** The agent a live session is, as the hooks would name it, marked as seen without them. */
export function sessionAgent(session: ClaudeSession, host: string): { agentId: string; name: string; meta: AgentMeta } {
  return {
    agentId: idFrom('claude-code', session.sessionId),
    name: agentName('Claude Code', session.cwd),
    meta: { kind: 'claude-code', pid: session.pid, host, cwd: session.cwd, sessionId: session.sessionId, seenWithoutHooks: true },
  };
}

/**
 * The hook payloads recorded from real agent sessions (test/fixtures/hooks/<agent>/<scenario>.json), loaded for the
 * adapter tests: the transcript a session's payloads name is copied into a temporary folder and the payloads point to
 * the copy, as they would to the agent's own file.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { TestDaemon } from '../support/testDaemon.js';

export interface RecordedEvent {
  via: 'hook' | 'notify';
  observedAt: string;
  env: Record<string, string>;
  payload: Record<string, unknown>;
}

export interface RecordedSession {
  agent: string;
  agentVersion: string;
  scenario: string;
  prompt: string;
  transcript: string;
  events: RecordedEvent[];
  /** The session id every hook payload of it carries. */
  sessionId: string;
  /** Where its transcript copy is (the payloads' `transcript_path` points there). */
  transcriptPath: string;
}

export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/hooks/', import.meta.url));

export function loadSession(agent: string, scenario: string): RecordedSession {
  const dir = join(FIXTURES, agent);
  const recorded = JSON.parse(readFileSync(join(dir, `${scenario}.json`), 'utf8')) as Omit<RecordedSession, 'sessionId' | 'transcriptPath'>;
  const copy = join(mkdtempSync(join(tmpdir(), 'agent-tracker-transcript-')), recorded.transcript);
  copyFileSync(join(dir, recorded.transcript), copy);
  const first = recorded.events.find((e) => typeof e.payload.session_id === 'string');
  const sessionId = String(first?.payload.session_id);
  const original = String(first?.payload.transcript_path);
  const events = recorded.events.map((event) => ({
    ...event,
    payload: event.payload.transcript_path === original ? { ...event.payload, transcript_path: copy } : event.payload,
  }));
  return { ...recorded, events, sessionId, transcriptPath: copy };
}

/** The first line of each message a hook recording holds, in order: what a table test names. */
export function eventNames(session: RecordedSession): string[] {
  return session.events.map((e) => String(e.payload.hook_event_name ?? e.payload.type));
}

/** The agent pid the replayed payloads claim (no such process: the tests' agents are never probed alive). */
export const RECORDED_PID = 4_000_000;

/** Posts every recorded payload as the forwarder would: its kind, the agent's pid and when it saw the event. */
export async function replaySession(d: TestDaemon, session: RecordedSession): Promise<void> {
  for (const event of session.events) {
    const res = await d.http.post<{ applied: number }>(`/v1/hooks/${session.agent}`, event.payload, {
      headers: { 'x-agent-pid': String(RECORDED_PID), 'x-observed-at': event.observedAt },
    });
    assert.equal(res.status, 202, res.text);
  }
}

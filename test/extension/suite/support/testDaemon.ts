/**
 * A real daemon for the extension's tests: `node out/daemon/src/cli.js daemon --home <tmp> --port 0`, started by the
 * test (so the test may stop and restart it), plus a small HTTP client to seed it and observe command effects.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { isAlive, spawnDaemon } from '#client';
import type { Task } from '#protocol';
import { pollUntil } from '../../../support/poll.js';

export const EXTENSION_ID = 'agent-tracker.agent-tracker';

export function extensionRoot(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return extension.extensionPath;
}

export interface Response {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read whatever the daemon sent
}

export class TestDaemon {
  private child: ChildProcess | undefined;
  url = '';
  token = '';
  pid = 0;

  private constructor(readonly home: string) {}

  static async start(): Promise<TestDaemon> {
    const daemon = new TestDaemon(mkdtempSync(path.join(tmpdir(), 'agent-tracker-ext-')));
    await daemon.launch();
    return daemon;
  }

  /** Starts (again) on the same home; the port changes, as after a real restart. */
  async launch(): Promise<void> {
    const entry = path.join(extensionRoot(), 'out', 'daemon', 'src', 'cli.js');
    const started = await spawnDaemon({ entry, home: this.home, port: 0, args: ['--agent-timeout-ms', '60000'] });
    this.child = started.child;
    this.url = started.endpoint.url;
    this.token = started.endpoint.token;
    this.pid = started.pid;
  }

  /** SIGTERM by default (a clean stop); SIGKILL to simulate a crash. Resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }

  get(pathname: string): Promise<Response> {
    return this.call('GET', pathname);
  }

  post(pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.call('POST', pathname, body, headers);
  }

  async createTask(body: Record<string, unknown>): Promise<Task> {
    return this.ok<Task>(await this.post('/v1/tasks', body), 'create task');
  }

  async heartbeat(agentId: string, name = agentId): Promise<void> {
    this.ok(await this.post(`/v1/agents/${agentId}/heartbeat`, { name }), 'agent heartbeat');
  }

  async transition(taskId: string, to: string, extra: Record<string, unknown> = {}): Promise<void> {
    this.ok(await this.post(`/v1/tasks/${taskId}/transition`, { to, ...extra }), `transition ${taskId} to ${to}`);
  }

  async task(taskId: string): Promise<Task> {
    return this.ok<Task>(await this.get(`/v1/tasks/${taskId}`), `get ${taskId}`);
  }

  ok<T = any>(response: Response, what: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body as T;
  }

  private call(method: string, pathname: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(new URL(pathname, this.url), {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...extraHeaders,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Whether a process with this pid still exists (signal 0 only checks). */
export const alive = isAlive;

/** Stops a daemon the extension started (not a TestDaemon, so only its pid is known) and waits until it is gone. */
export async function stopStartedDaemon(pid: number): Promise<void> {
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  await pollUntil('the started daemon to stop', () => !alive(pid) || undefined);
}

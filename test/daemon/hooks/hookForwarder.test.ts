import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line through `sh -c`, as agents run hooks, with `input` on stdin. */
function runHookCommand(command: string, input: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

interface SpooledLine {
  op: string;
  id: string;
  source: string;
  payload: Record<string, unknown>;
  pid?: number;
  at: string;
}

function spooled(home: string): SpooledLine[] {
  return readFileSync(path.join(home, 'inbox', 'hooks.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SpooledLine);
}

const payload = { session_id: 'f00d', transcript_path: '/nowhere.jsonl', cwd: '/work', hook_event_name: 'UserPromptSubmit', prompt: 'hello' };

describe('cli: the hook forwarder', function () {
  this.timeout(60_000);
  let home: string;

  beforeEach(() => {
    home = makeTempHome('hook-forwarder');
  });
  afterEach(() => removeTempHome(home));

  it('agent-tracker hook claude-code with no daemon at all: exit 0, empty stdout, the payload spooled to the inbox', async () => {
    const result = await runCli(['hook', 'claude-code'], { env: cliEnv({ AGENT_TRACKER_HOME: home }), input: JSON.stringify(payload) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, '');
    const [line, ...more] = spooled(home);
    assert.equal(more.length, 0);
    assert.equal(line?.op, 'hook');
    assert.equal(line?.source, 'claude-code');
    assert.deepEqual(line?.payload, payload);
    assert.match(line?.id ?? '', /^hook_[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Date.parse(line?.at ?? '') - Date.now()) < 60_000, 'at is the time the forwarder saw it');
  });

  it('the installed launcher works without node on PATH, finds the agent’s pid past the shell, and takes Codex notify’s argument', async () => {
    const env = cliEnv({ HOME: path.join(home, 'user'), PATH: '/usr/bin:/bin' });
    assert.equal((await runCli(['hooks', 'install', '--agent', 'cursor', '--home', home], { env })).code, 0);
    const launcher = path.join(home, 'bin', 'agent-tracker-hook');
    const noNode = { PATH: '/nonexistent', HOME: home };
    // The "agent" is this test process: sh -c runs the launcher, which execs the runtime; the nearest non-shell ancestor is us.
    const hook = await runHookCommand(`'${launcher}' claude-code`, JSON.stringify(payload), noNode);
    assert.equal(hook.code, 0, hook.stderr);
    assert.equal(hook.stdout, '');
    const notify = await runHookCommand(`'${launcher}' codex '${JSON.stringify({ type: 'agent-turn-complete', 'thread-id': 't1' })}'`, '', noNode);
    assert.equal(notify.code, 0, notify.stderr);
    const cursor = await runHookCommand(`'${launcher}' cursor`, JSON.stringify({ hook_event_name: 'stop' }), noNode);
    assert.equal(cursor.stdout, '{}\n', 'Cursor reads JSON from its hooks');
    const lines = spooled(home);
    assert.deepEqual(lines.map((l) => l.source), ['claude-code', 'codex', 'cursor']);
    assert.ok(lines.every((l) => l.pid === process.pid), `the agent is the first ancestor that is not a shell (${lines.map((l) => l.pid).join(', ')} vs ${process.pid})`);
    assert.deepEqual(lines[1]?.payload, { type: 'agent-turn-complete', 'thread-id': 't1' });
  });

  it('a payload that is not JSON, or none at all, still exits 0 quietly', async () => {
    for (const input of ['not json {', '']) {
      const result = await runCli(['hook', 'gemini-cli'], { env: cliEnv({ AGENT_TRACKER_HOME: home }), input });
      assert.equal(result.code, 0);
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(spooled(home).map((l) => l.payload), [{ raw: 'not json {' }, {}]);
  });
});

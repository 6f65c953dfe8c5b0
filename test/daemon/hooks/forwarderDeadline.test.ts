/**
 * The forwarder never hangs its agent, and speaks the forwarder <-> daemon contract:
 * - a spool that is a FIFO, a daemon that trickles its answer, a shell killed under it: exit 0 by the hard deadline,
 *   no process left behind;
 * - `--approval-wait N` sends `X-Agent-Tracker-Wait: N` and holds its one request up to N + 5 s; a 202 answer's
 *   `output` is printed (JSON + newline) instead of the default.
 * The daemon's answer is played by a small server only where the real daemon cannot be made to do it (trickling, and
 * answering with an `output`); everything else runs against the real daemon.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { forwarderCommand, installForwarder } from '../../../daemon/src/cli/hooks/forwarderFiles.js';
import { hookDeadlineMs } from '../../../daemon/src/cli/hooks/forwarder.js';
import { pollUntil } from '../../support/poll.js';
import { startDaemonProcess, stopDaemonProcess } from '../support/daemonProcess.js';
import { processesMatching, runThroughShell } from '../support/hookShell.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const payload = JSON.stringify({ session_id: 'deadline', cwd: '/work/app', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } });

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

/** Stands in for the daemon's answer: writes daemon.json and the token so the forwarder finds it. */
async function standIn(home: string, answer: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<{ server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const entry = { headers: req.headers, body };
      seen.push(entry);
      answer(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  writeFileSync(path.join(home, 'token'), 'stand-in-token-0123456789\n', { mode: 0o600 });
  writeFileSync(path.join(home, 'daemon.json'), JSON.stringify({ pid: process.pid, port, url: `http://127.0.0.1:${port}`, version: 'x', startedAt: new Date().toISOString() }));
  return { server, seen };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('hooks: the forwarder never hangs its agent', function () {
  this.timeout(60_000);
  let home: string;
  let server: Server | undefined;
  const env = () => cliEnv({ PATH: '/usr/bin:/bin' });
  const normalDeadline = hookDeadlineMs(undefined);

  beforeEach(() => {
    home = makeTempHome('forwarder-deadline');
    installForwarder(home);
  });
  afterEach(async () => {
    if (server) await closeServer(server);
    server = undefined;
    removeTempHome(home);
  });

  it('the spool is a FIFO and no daemon runs: exit 0 at once, the FIFO left alone', async () => {
    mkdirSync(path.join(home, 'inbox'), { mode: 0o700 });
    execFileSync('mkfifo', [path.join(home, 'inbox', 'hooks.jsonl')]);
    const run = await runThroughShell(forwarderCommand(home, 'claude-code'), env(), payload, normalDeadline + 5000).done;
    assert.equal(run.code, 0, `exit ${run.code ?? run.signal}`);
    assert.ok(run.ms < normalDeadline, `took ${Math.round(run.ms)} ms`);
  });

  it('a daemon that trickles its answer: exit 0 by the deadline, the payload spooled instead', async () => {
    ({ server } = await standIn(home, (_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      const tick = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(tick));
    }));
    const run = await runThroughShell(forwarderCommand(home, 'claude-code'), env(), payload, normalDeadline + 5000).done;
    assert.equal(run.code, 0, `exit ${run.code ?? run.signal}`);
    assert.ok(run.ms < normalDeadline, `took ${Math.round(run.ms)} ms`);
    const spooled = readFileSync(path.join(home, 'inbox', 'hooks.jsonl'), 'utf8').trim().split('\n');
    assert.equal(spooled.length, 1);
    assert.equal((JSON.parse(spooled[0] as string) as { payload: { session_id: string } }).payload.session_id, 'deadline');
  });

  it('its shell killed while the daemon trickles: no forwarder outlives the deadline', async () => {
    ({ server } = await standIn(home, (_req, res) => {
      res.writeHead(202);
      const tick = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(tick));
    }));
    // `; true` keeps the shell from exec'ing the launcher: killing it leaves the forwarder an orphan.
    const { child, done } = runThroughShell(`${forwarderCommand(home, 'claude-code')}; true`, env(), payload);
    const bundle = path.join(home, 'bin');
    await pollUntil('the forwarder running', () => (processesMatching(bundle).length > 0 ? true : undefined), 5000, 10);
    child.kill('SIGKILL');
    await done;
    const killedAt = Date.now();
    await pollUntil('no forwarder left', () => (processesMatching(bundle).length === 0 ? true : undefined), normalDeadline + 3000, 50);
    assert.ok(Date.now() - killedAt < normalDeadline + 1000);
  });
});

describe('hooks: forwarder <-> daemon contract (output, --approval-wait)', function () {
  this.timeout(60_000);
  let home: string;
  let server: Server | undefined;
  const env = () => cliEnv({ PATH: '/usr/bin:/bin' });
  const decision = { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } };

  beforeEach(() => {
    home = makeTempHome('forwarder-contract');
    installForwarder(home);
  });
  afterEach(async () => {
    if (server) await closeServer(server);
    server = undefined;
    removeTempHome(home);
  });

  it('--approval-wait 4: the header goes out, the request is held past the normal timeout, the output is printed', async () => {
    let stand: { seen: Seen[] };
    ({ server, ...stand } = await standIn(home, (_req, res) => {
      // Longer than the forwarder's normal timeout (1.5 s): only the approval wait lets it wait this long.
      setTimeout(() => res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ applied: 1, output: decision })), 2500);
    }));
    const run = await runThroughShell(`${forwarderCommand(home, 'claude-code')} --approval-wait 4`, env(), payload).done;
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${JSON.stringify(decision)}\n`);
    assert.equal(stand.seen[0]?.headers['x-agent-tracker-wait'], '4');
    assert.deepEqual(JSON.parse(stand.seen[0]?.body ?? ''), JSON.parse(payload));
    assert.equal(existsSync(path.join(home, 'inbox', 'hooks.jsonl')), false, 'delivered, not spooled');
  });

  it('without --approval-wait no wait header; an output answered in time is printed; none: the default', async () => {
    let stand: { seen: Seen[] };
    let answer: object = { applied: 1, output: decision };
    ({ server, ...stand } = await standIn(home, (_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }));
    const printed = await runThroughShell(forwarderCommand(home, 'claude-code'), env(), payload).done;
    assert.equal(printed.stdout, `${JSON.stringify(decision)}\n`);
    assert.equal(stand.seen[0]?.headers['x-agent-tracker-wait'], undefined);
    answer = { applied: 1 };
    assert.equal((await runThroughShell(forwarderCommand(home, 'claude-code'), env(), payload).done).stdout, '');
    assert.equal((await runThroughShell(forwarderCommand(home, 'cursor'), env(), payload).done).stdout, '{}\n');
    answer = { applied: 1, output: ['not', 'an', 'object'] };
    assert.equal((await runThroughShell(forwarderCommand(home, 'cursor'), env(), payload).done).stdout, '{}\n');
  });

  it('agent-tracker hook <kind> --approval-wait N behaves the same', async () => {
    let stand: { seen: Seen[] };
    ({ server, ...stand } = await standIn(home, (_req, res) => {
      setTimeout(() => res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ applied: 1, output: decision })), 2000);
    }));
    const result = await runCli(['hook', 'claude-code', '--approval-wait', '3'], { env: cliEnv({ AGENT_TRACKER_HOME: home }), input: payload });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${JSON.stringify(decision)}\n`);
    assert.equal(stand.seen[0]?.headers['x-agent-tracker-wait'], '3');
  });

  it('with the real daemon: delivered (not spooled), the default printed, exit 0', async () => {
    const daemon = await startDaemonProcess(home);
    try {
      const prompt = JSON.stringify({ session_id: 'real', cwd: '/work/app', hook_event_name: 'UserPromptSubmit', prompt: 'Real daemon' });
      const run = await runThroughShell(`${forwarderCommand(home, 'claude-code')} --approval-wait 2`, env(), prompt).done;
      assert.equal(run.code, 0);
      assert.equal(run.stdout, '');
      const tasks = (await daemon.http.ok(daemon.http.get<{ items: Task[] }>('/v1/tasks'))).items;
      assert.deepEqual(tasks.map((t) => t.title), ['Real daemon']);
      assert.equal(existsSync(path.join(home, 'inbox', 'hooks.jsonl')), false);
    } finally {
      await stopDaemonProcess(daemon);
    }
  });
});

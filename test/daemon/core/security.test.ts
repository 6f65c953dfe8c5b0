/**
 * The daemon process and its home: owner-only files, loopback only, one daemon per home, and a clean SIGTERM. Token,
 * Host and Origin refusals of every kind are in errors.test.ts.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { DaemonInfo } from '../../../daemon/src/home/home.js';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { killDaemonProcess, spawnDaemonProcess, startDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** True when something accepts TCP connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('core: the daemon process and its home', function () {
  this.timeout(60_000);
  let parent: string;
  let home: string;
  let proc: DaemonProcess | undefined;

  before(async () => {
    parent = makeTempHome('security');
    // A home that does not exist yet: the daemon creates it, so its mode is the daemon's choice.
    home = join(parent, 'home');
    proc = await startDaemonProcess(home);
  });
  after(async () => {
    if (proc) await killDaemonProcess(proc);
    removeTempHome(parent);
  });

  it('writes daemon.json describing itself, and the token, both 0600', async () => {
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as DaemonInfo;
    assert.equal(info.pid, proc!.pid);
    assert.equal(info.url, `http://127.0.0.1:${info.port}`);
    assert.ok(info.version && !Number.isNaN(Date.parse(info.startedAt)));
    assert.equal(modeOf(join(home, 'daemon.json')), 0o600);
    assert.equal(modeOf(join(home, 'token')), 0o600);
    assert.ok(readFileSync(join(home, 'token'), 'utf8').trim().length >= 32);
  });

  it('keeps its home, the event log and the registry owner-only', async () => {
    await proc!.http.ok(proc!.http.post('/v1/tasks', { id: 'secret', title: 'Holds a lease token' }));
    await proc!.http.ok(proc!.http.post('/v1/tasks/secret/claim', { agentId: 'a' }));
    assert.equal(modeOf(home), 0o700);
    assert.equal(modeOf(join(home, 'events')), 0o700);
    const segments = readdirSync(join(home, 'events'));
    assert.ok(segments.length > 0);
    for (const name of segments) assert.equal(modeOf(join(home, 'events', name)), 0o600, name);
  });

  it('listens on loopback only', async () => {
    const port = proc!.info.port;
    assert.equal(await accepts('127.0.0.1', port), true);
    const outside = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of outside) assert.equal(await accepts(address, port), false, `reachable on ${address}`);
  });

  it('refuses a second daemon on the same home with a clear message and a non-zero exit', async () => {
    const second = spawnDaemonProcess(home);
    const exit = await second.exited;
    assert.notEqual(exit.code, 0);
    assert.equal(exit.signal, null);
    assert.match(second.stderr(), new RegExp(`already running.*pid ${proc!.pid}|pid ${proc!.pid}.*already running`));
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as DaemonInfo;
    assert.equal(info.pid, proc!.pid, 'the refused daemon left daemon.json alone');
    await proc!.http.ok(proc!.http.get('/v1/tasks'));
  });

  it('stops on SIGTERM with exit 0, keeping everything it acknowledged', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => proc!.http.post<Task>('/v1/tasks', { id: `term-${i}`, title: `before SIGTERM ${i}` })),
    );
    for (const res of created) assert.equal(res.status, 201);
    const { seq } = await proc!.http.ok(proc!.http.get<{ seq: number }>('/healthz'));
    proc!.kill('SIGTERM');
    const exit = await proc!.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, proc!.stderr());
    assert.equal(existsSync(join(home, 'daemon.json')), false, 'daemon.json removed');
    assert.equal(existsSync(join(home, 'daemon.lock')), false, 'lock released');
    const registry = JSON.parse(readFileSync(join(home, 'registry.json'), 'utf8')) as { meta: { seq: number } };
    assert.equal(registry.meta.seq, seq, 'the snapshot was flushed on the way out');
    assert.equal(modeOf(join(home, 'registry.json')), 0o600);

    proc = await startDaemonProcess(home);
    for (let i = 0; i < 50; i++) await proc.http.ok(proc.http.get<Task>(`/v1/tasks/term-${i}`));
    const after = await proc.http.ok(proc.http.get<{ seq: number }>('/healthz'));
    assert.equal(after.seq, seq);
  });
});

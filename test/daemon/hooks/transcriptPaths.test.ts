/**
 * Paths that hook payloads name are anyone's: a FIFO as `transcript_path` (through the route and through the spool)
 * must not stall the daemon's writes or its shutdown, and many spellings of one transcript must be one file read once,
 * with what transcript reads hold together bounded (seen through /metrics, not through RSS timing).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_HELD_BYTES } from '../../../daemon/src/integrations/usage/transcriptReader.js';
import { metricValue } from '../live/promText.js';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';

/** A prompt and its turn's end: the end reads the transcript the payloads name. */
function turn(session: string, transcript: string, n: number): Record<string, unknown>[] {
  const common = { session_id: session, cwd: '/work/app', transcript_path: transcript };
  return [
    { ...common, hook_event_name: 'UserPromptSubmit', prompt: `Turn ${n}` },
    { ...common, hook_event_name: 'Stop', last_assistant_message: 'done' },
  ];
}

describe('hooks: a FIFO as transcript_path', function () {
  this.timeout(60_000);
  let home: string;
  let daemon: DaemonProcess | undefined;

  beforeEach(() => {
    home = makeTempHome('transcript-fifo');
  });
  afterEach(async () => {
    if (daemon) await stopDaemonProcess(daemon, 2000);
    daemon = undefined;
    removeTempHome(home);
  });

  it('through the route and the spool: writes go on, the path is skipped with a warning, SIGTERM still stops the daemon', async () => {
    const fifo = join(home, 'transcript.fifo');
    execFileSync('mkfifo', [fifo]);
    // Spooled while the daemon was down: read at start, as after a restart.
    mkdirSync(join(home, 'inbox'), { recursive: true, mode: 0o700 });
    const spooled = turn('spooled', fifo, 0).map((payload, i) => JSON.stringify({ op: 'hook', id: `hook_spool_${i}`, source: 'claude-code', payload, at: new Date(Date.now() + i).toISOString() }));
    writeFileSync(join(home, 'inbox', 'hooks.jsonl'), `${spooled.join('\n')}\n`);
    daemon = await startDaemonProcess(home);
    const http = daemon.http;
    // More reads than libuv has worker threads (4): each would have blocked one for good.
    for (let n = 1; n <= 6; n++) {
      for (const payload of turn(`fifo-${n}`, fifo, n)) {
        const res = await http.post('/v1/hooks/claude-code', payload, { headers: { 'x-observed-at': new Date().toISOString() } });
        assert.equal(res.status, 202);
      }
    }
    const created = await Promise.race([
      http.post('/v1/tasks', { title: 'written after the FIFO' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a create was not acknowledged within 10 s: writes are stalled')), 10_000)),
    ]);
    assert.equal(created.status, 201, created.text);
    const metrics = (await http.get('/metrics')).text;
    assert.ok((metricValue(metrics, 'agent_tracker_transcript_refused_total') ?? 0) >= 7, 'every read of it refused');
    assert.match(daemon.stderr(), /transcript .*transcript\.fifo.* skipped: a FIFO/);
    const startedStop = Date.now();
    daemon.kill('SIGTERM');
    const exit = await Promise.race([daemon.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))]);
    assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM did not stop the daemon in ${Date.now() - startedStop} ms`);
    daemon = undefined;
  });
});

describe('hooks: many spellings of one transcript', function () {
  this.timeout(120_000);
  let d: TestDaemon;
  let dir: string;

  beforeEach(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync(join(tmpdir(), 'agent-tracker-spellings-'));
  });
  afterEach(async () => {
    await d?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are one file read once; what the reads hold together stays within the bound', async () => {
    const transcript = join(dir, 'session.jsonl');
    // About 6 MiB of assistant lines, all written before the turns begin.
    const line = (i: number) =>
      JSON.stringify({ type: 'assistant', timestamp: new Date(Date.now() - 60_000).toISOString(), message: { id: `m${i}`, model: 'claude-x', usage: { input_tokens: 1, output_tokens: 1 }, content: [{ type: 'text', text: 'w'.repeat(2000) }] } });
    writeFileSync(transcript, `${Array.from({ length: 3000 }, (_, i) => line(i)).join('\n')}\n`);
    const spellings = 100;
    const posts: Promise<unknown>[] = [];
    for (let n = 0; n < spellings; n++) {
      // /dir/./././session.jsonl, one more "./" each time: the same file, another string.
      const spelling = `${dir}${'/.'.repeat(n)}/session.jsonl`;
      for (const payload of turn(`spell-${n}`, spelling, n)) posts.push(d.http.post('/v1/hooks/claude-code', payload));
    }
    await Promise.all(posts);
    await d.daemon.hooks.idle();
    const metrics = (await d.http.get('/metrics')).text;
    assert.equal(metricValue(metrics, 'agent_tracker_transcript_files'), 1, 'one file, however it is spelled');
    const peak = metricValue(metrics, 'agent_tracker_transcript_read_bytes_peak') ?? NaN;
    assert.ok(peak > 0 && peak <= MAX_HELD_BYTES, `peak ${peak} bytes held by transcript reads`);
  });
});

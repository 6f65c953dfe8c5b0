import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCli } from '../support/runCli.js';

/** A port nothing listens on: bound once to learn a free number, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('cli: no daemon', function () {
  // Each CLI call is a fresh Node process; on a loaded machine a handful of them take seconds.
  this.timeout(60_000);
  let home: string;

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'agent-tracker-nodaemon-'));
  });

  after(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('exits 3 and says how to start the daemon when the home has none', async () => {
    for (const args of [['status'], ['task', 'list'], ['agent', 'list'], ['events', 'tail'], ['run', '--', 'true'], ['demo']]) {
      // `--home` before any `--`: after it, it would be the command's own argument (and the default home asked).
      const end = args.includes('--') ? args.indexOf('--') : args.length;
      const result = await runCli([...args.slice(0, end), '--home', home, ...args.slice(end)]);
      assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /agent-tracker daemon/);
      assert.match(result.stderr, /npm start/);
    }
  });

  it('exits 3 when AGENT_TRACKER_URL points at a closed port', async () => {
    const port = await closedPort();
    const env = cliEnv({ AGENT_TRACKER_URL: `http://127.0.0.1:${port}`, AGENT_TRACKER_TOKEN: 'x' });
    const result = await runCli(['task', 'list', '--json'], { env });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /cannot reach the daemon/);
    assert.equal((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'unreachable');
  });

  it('exits 3 when daemon.json is left behind by a daemon that is gone', async () => {
    const port = await closedPort();
    writeFileSync(join(home, 'daemon.json'), JSON.stringify({ pid: 1, port, url: `http://127.0.0.1:${port}`, version: '0', startedAt: '' }));
    writeFileSync(join(home, 'token'), 'x');
    const result = await runCli(['status', '--home', home]);
    assert.equal(result.code, 3, result.stderr);
  });
});

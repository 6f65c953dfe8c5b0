/**
 * What differs on macOS and Windows, tested here (Linux) as functions of the platform: the process probe's commands
 * and the reading of their answers, the Windows launcher and the command installers write there. Where the same
 * command exists here (`ps -o uid=,lstart=` of procps), the macOS branch also runs for real.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { commandProbe, readStartTimeAnswer, startTimeQuery, type ProcessStatus } from '../../../daemon/src/engine/processProbe.js';
import { forwarderCommand, forwarderPaths, windowsLauncherScript } from '../../../daemon/src/cli/hooks/forwarderFiles.js';
import { pollUntil } from '../../support/poll.js';

describe('platforms: the process probe without procfs', () => {
  it('asks ps on macOS and the BSDs, PowerShell on Windows, nothing on Linux (procfs there)', () => {
    assert.deepEqual(startTimeQuery('darwin', 42), { file: 'ps', args: ['-o', 'uid=,lstart=', '-p', '42'], env: { LC_ALL: 'C' } });
    assert.equal(startTimeQuery('freebsd', 42)?.file, 'ps');
    const windows = startTimeQuery('win32', 42);
    assert.equal(windows?.file, 'powershell.exe');
    assert.match(windows?.args.at(-1) ?? '', /Get-Process -Id 42 .*StartTime\.ToUniversalTime\(\)\.ToString\('o'\)/);
    assert.equal(startTimeQuery('linux', 42), undefined);
    assert.equal(startTimeQuery('darwin', 0), undefined, 'no pid, no question');
  });

  const answers: { platform: NodeJS.Platform; stdout: string; status: ProcessStatus }[] = [
    { platform: 'darwin', stdout: '', status: { alive: false } },
    { platform: 'darwin', stdout: '  501 Mon Dec  7 17:30:04 2026\n', status: { alive: true, sameUser: true, startedAt: new Date(2026, 11, 7, 17, 30, 4).getTime() } },
    { platform: 'darwin', stdout: '    0 Tue Jan 13 09:05:59 2026\n', status: { alive: true, sameUser: false, startedAt: new Date(2026, 0, 13, 9, 5, 59).getTime() } },
    { platform: 'win32', stdout: '', status: { alive: false } },
    { platform: 'win32', stdout: '2026-12-07T17:30:04.1234567Z\r\n', status: { alive: true, sameUser: true, startedAt: Date.parse('2026-12-07T17:30:04.123Z') } },
    { platform: 'win32', stdout: 'denied\r\n', status: { alive: true, sameUser: false } },
  ];
  for (const a of answers) {
    it(`${a.platform}: ${JSON.stringify(a.stdout)} reads as ${JSON.stringify(a.status)}`, () => {
      assert.deepEqual(readStartTimeAnswer(a.platform, a.stdout, 501), a.status);
    });
  }

  it('the macOS branch, run for real with this system’s ps: owner and start time of a live process, a dead pid is dead', async function () {
    this.timeout(20_000);
    const probe = commandProbe('darwin');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const startedNear = Date.now();
    try {
      const pid = child.pid as number;
      const status = await pollUntil('the start time answered', () => {
        const s = probe(pid);
        return s.alive && s.startedAt !== undefined ? s : undefined;
      });
      assert.equal(status.alive && status.sameUser, true);
      // lstart has whole seconds.
      assert.ok(status.alive && Math.abs((status.startedAt as number) - startedNear) < 3000, `start ${status.alive && status.startedAt} vs ${startedNear}`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    assert.deepEqual(probe(child.pid as number), { alive: false });
  });
});

describe('platforms: the Windows launcher', () => {
  const runtime = { exec: 'C:\\Program Files\\nodejs\\node.exe', electron: false };

  it('runs the bundle with the home set, passes every argument, always exits 0, doubles % (batch syntax)', () => {
    const home = 'C:\\Users\\Zoë 100%\\.agent-tracker';
    const { bundle } = forwarderPaths(home, 'win32');
    assert.equal(bundle, 'C:\\Users\\Zoë 100%\\.agent-tracker\\bin\\agent-tracker-hook.cjs');
    const script = windowsLauncherScript(home, bundle, runtime);
    const lines = script.split('\r\n');
    assert.equal(lines[0], '@echo off');
    assert.ok(lines.includes('set "AGENT_TRACKER_HOME=C:\\Users\\Zoë 100%%\\.agent-tracker"'));
    assert.ok(lines.includes('"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\Zoë 100%%\\.agent-tracker\\bin\\agent-tracker-hook.cjs" %*'));
    assert.equal(lines.at(-2), 'exit /b 0');
    assert.ok(!script.replace(/\r\n/g, '').includes('\n'), 'CRLF line ends throughout');
    assert.ok(windowsLauncherScript(home, bundle, { ...runtime, electron: true }).includes('set "ELECTRON_RUN_AS_NODE=1"'));
  });

  it('installers’ command: the .cmd on Windows (cmd.exe and Git Bash as is, PowerShell through &), the sh script elsewhere', () => {
    const home = 'C:\\Users\\me\\.agent-tracker';
    assert.equal(forwarderCommand(home, 'claude-code', 'win32'), '"C:\\Users\\me\\.agent-tracker\\bin\\agent-tracker-hook.cmd" claude-code');
    assert.equal(forwarderCommand(home, 'codex', 'win32', 'powershell'), '& "C:\\Users\\me\\.agent-tracker\\bin\\agent-tracker-hook.cmd" codex');
    assert.equal(forwarderCommand('/home/me/.agent-tracker', 'cursor', 'darwin'), '/home/me/.agent-tracker/bin/agent-tracker-hook cursor');
    assert.equal(forwarderCommand('/home/me/my tracker', 'cursor', 'linux'), `'/home/me/my tracker/bin/agent-tracker-hook' cursor`);
  });
});

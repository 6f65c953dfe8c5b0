/**
 * What differs on macOS and Windows, tested here (Linux) as functions of the platform: the process probe's commands
 * and the reading of their answers, the Windows launcher, and what every installer writes there (each agent's real
 * installer on a temporary home, the platform injected). Where the same command exists here (`ps -o uid=,lstart=` of
 * procps), the macOS branch also runs for real.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HookAgent, HooksContext } from '../../../daemon/src/cli/install/hooks/agentHooks.js';
import { INSTALLERS } from '../../../daemon/src/cli/install/hooks/installers.js';
import { TomlDocument } from '../../../daemon/src/cli/install/tomlDocument.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
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

describe('platforms: what every installer writes for the platform its agents run on', () => {
  const homes = { win32: 'C:\\Users\\me\\.agent-tracker', linux: '/home/me/.agent-tracker' } as const;
  const programs = { win32: 'C:\\Users\\me\\.agent-tracker\\bin\\agent-tracker-hook.cmd', linux: '/home/me/.agent-tracker/bin/agent-tracker-hook' } as const;
  /** How a command line names the launcher: quoted on Windows (cmd.exe, Git Bash, PowerShell after &). */
  const launchers = { win32: `"${programs.win32}"`, linux: programs.linux } as const;
  let root: string;
  let userHome: string;
  const ctx = (platform: 'win32' | 'linux'): HooksContext => ({
    trackerHome: homes[platform],
    userHome,
    cwd: root,
    scope: 'user',
    env: { PATH: '/nonexistent', CODEX_HOME: path.join(userHome, '.codex'), COPILOT_HOME: path.join(userHome, '.copilot') },
    platform,
  });
  const read = (file: string) => readFileSync(path.join(userHome, file), 'utf8');
  /** Every command in a hooks file, under each key an agent runs one from. */
  const commandsIn = (file: string, key: string): string[] => {
    const found: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === key && typeof v === 'string') found.push(v);
          else walk(v);
        }
      }
    };
    walk(JSON.parse(read(file)));
    return [...new Set(found)];
  };

  beforeEach(() => {
    root = makeTempHome('platforms');
    userHome = path.join(root, 'user');
    mkdirSync(userHome);
  });
  afterEach(() => removeTempHome(root));

  const jsonAgents: { agent: HookAgent; file: string; key: string }[] = [
    { agent: 'claude-code', file: '.claude/settings.json', key: 'command' },
    { agent: 'gemini-cli', file: '.gemini/settings.json', key: 'command' },
    { agent: 'cursor', file: '.cursor/hooks.json', key: 'command' },
    { agent: 'codex', file: '.codex/hooks.json', key: 'command' },
    { agent: 'copilot-cli', file: '.copilot/hooks/agent-tracker.json', key: 'bash' },
  ];
  for (const { agent, file, key } of jsonAgents) {
    it(`${agent}: every hook runs the .cmd launcher on Windows and the sh launcher elsewhere; uninstall takes them out`, () => {
      for (const platform of ['win32', 'linux'] as const) {
        assert.ok(INSTALLERS[agent].install(ctx(platform)).changed, platform);
        assert.deepEqual(commandsIn(file, key), [`${launchers[platform]} ${agent}`], platform);
        assert.ok(!INSTALLERS[agent].install(ctx(platform)).changed, `${platform}: a second install recognises its own entries`);
        INSTALLERS[agent].uninstall(ctx(platform));
        assert.ok(!existsSync(path.join(userHome, file)) || !read(file).includes('agent-tracker-hook'), `${platform}: nothing of ours is left`);
      }
    });
  }

  it('copilot-cli: on Windows each entry also has the `powershell` command Copilot CLI runs there (through &); elsewhere none', () => {
    const file = '.copilot/hooks/agent-tracker.json';
    INSTALLERS['copilot-cli'].install({ ...ctx('win32'), approvals: { turn: 'on', wait: 60 } });
    assert.deepEqual(commandsIn(file, 'powershell').sort(), [`& ${launchers.win32} copilot-cli`, `& ${launchers.win32} copilot-cli --approval-wait 60`]);
    assert.equal(INSTALLERS['copilot-cli'].status(ctx('win32')).approvals.wait, 60);
    INSTALLERS['copilot-cli'].uninstall(ctx('win32'));
    INSTALLERS['copilot-cli'].install(ctx('linux'));
    assert.deepEqual(commandsIn(file, 'powershell'), []);
  });

  it('codex with hooks off: notify runs the .cmd launcher as a program on Windows, the sh launcher elsewhere; uninstall gives back the file', () => {
    const config = '# mine\n[features]\nhooks = false\n';
    mkdirSync(path.join(userHome, '.codex'));
    writeFileSync(path.join(userHome, '.codex', 'config.toml'), config);
    for (const platform of ['win32', 'linux'] as const) {
      assert.ok(INSTALLERS.codex.install(ctx(platform)).changed, platform);
      const notify = new TomlDocument('config.toml', read('.codex/config.toml')).value()['notify'];
      assert.deepEqual(notify, [programs[platform], 'codex'], platform);
      assert.ok(INSTALLERS.codex.status(ctx(platform)).events.includes('notify'), platform);
      INSTALLERS.codex.uninstall(ctx(platform));
      assert.equal(read('.codex/config.toml'), config, platform);
    }
  });

  it('cline: on Windows one `<Event>.ps1` per event (Cline runs only those there, through powershell -File) calling the .cmd launcher; elsewhere extensionless sh scripts', () => {
    const dir = path.join(userHome, 'Documents', 'Cline', 'Hooks');
    assert.ok(INSTALLERS.cline.install(ctx('win32')).changed);
    assert.deepEqual(readdirSync(dir).sort(), ['PostToolUse.ps1', 'PreToolUse.ps1', 'TaskCancel.ps1', 'TaskComplete.ps1', 'TaskResume.ps1', 'TaskStart.ps1', 'UserPromptSubmit.ps1']);
    const lines = readFileSync(path.join(dir, 'PreToolUse.ps1'), 'utf8').split('\r\n');
    assert.match(lines[0] ?? '', /^# agent-tracker hook: /);
    assert.equal(lines[1], `& ${launchers.win32} cline`);
    assert.equal(lines[2], 'exit 0');
    assert.ok(INSTALLERS.cline.status(ctx('win32')).installed);
    INSTALLERS.cline.uninstall(ctx('win32'));
    assert.deepEqual(readdirSync(dir), []);

    INSTALLERS.cline.install(ctx('linux'));
    assert.ok(readdirSync(dir).every((name) => !name.includes('.')));
    const text = readFileSync(path.join(dir, 'TaskStart'), 'utf8');
    assert.ok(text.startsWith('#!/bin/sh\n') && text.includes(`exec ${launchers.linux} cline\n`));
  });
});

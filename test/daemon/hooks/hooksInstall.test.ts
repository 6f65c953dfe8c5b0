import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

/** A user's own settings, written the way people write them: these must come out of install + uninstall unchanged. */
const userFiles: Record<string, string> = {
  '.claude/settings.json': `${JSON.stringify(
    {
      model: 'opus',
      permissions: { allow: ['Bash(npm test)'] },
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '~/bin/check-bash.sh' }] }] },
    },
    null,
    2,
  )}\n`,
  '.codex/hooks.json': `${JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] } }, null, 4)}\n`,
  '.gemini/settings.json': `${JSON.stringify({ ui: { theme: 'GitHub' }, hooks: { BeforeTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: './lint.sh' }] }] } }, null, 2)}\n`,
  '.cursor/hooks.json': `${JSON.stringify({ version: 1, hooks: { afterFileEdit: [{ command: './format.sh' }] } }, null, 2)}\n`,
  '.copilot/hooks/mine.json': `${JSON.stringify({ version: 1, hooks: { sessionStart: [{ type: 'command', bash: 'echo hi' }] } }, null, 2)}\n`,
  'Documents/Cline/Hooks/TaskStart': '#!/bin/sh\necho my own task start hook\n',
};

describe('cli: hooks install, uninstall, status', function () {
  this.timeout(120_000);
  let root: string;
  let userHome: string;
  let trackerHome: string;
  let env: NodeJS.ProcessEnv;
  const hooksCli = (...args: string[]) => runCli(['hooks', ...args, '--home', trackerHome], { env, timeoutMs: 60_000 });
  const read = (file: string) => readFileSync(path.join(userHome, file), 'utf8');

  beforeEach(() => {
    root = makeTempHome('hooks-install');
    userHome = path.join(root, 'user');
    trackerHome = path.join(root, 'tracker');
    env = cliEnv({ HOME: userHome, CODEX_HOME: path.join(userHome, '.codex'), PATH: '/usr/bin:/bin' });
    for (const [file, text] of Object.entries(userFiles)) {
      mkdirSync(path.dirname(path.join(userHome, file)), { recursive: true });
      writeFileSync(path.join(userHome, file), text, { mode: 0o755 });
    }
  });

  afterEach(() => removeTempHome(root));

  it('merges into every agent, keeps the user’s hooks, writes a backup, and a second install changes nothing', async () => {
    const first = await hooksCli('install', '--agent', 'all', '--json');
    assert.equal(first.code, 0, first.stderr);
    const claude = JSON.parse(read('.claude/settings.json')) as { model: string; permissions: unknown; hooks: Record<string, Array<{ matcher?: string; hooks: Array<{ command: string; async?: boolean }> }>> };
    assert.equal(claude.model, 'opus');
    assert.deepEqual(claude.permissions, { allow: ['Bash(npm test)'] });
    assert.equal(claude.hooks['PreToolUse']?.[0]?.hooks[0]?.command, '~/bin/check-bash.sh', 'the user’s hook stays first');
    const ours = claude.hooks['PreToolUse']?.[1]?.hooks[0];
    assert.match(ours?.command ?? '', /\/bin\/agent-tracker-hook' claude-code$|\/bin\/agent-tracker-hook claude-code$/);
    assert.equal(ours?.async, true, 'observing hooks run in the background');
    assert.equal(claude.hooks['Stop']?.[0]?.hooks[0]?.async, undefined, 'the turn’s end runs inline');
    assert.equal(read('.claude/settings.json.agent-tracker.bak'), userFiles['.claude/settings.json'], 'the backup is the original');
    assert.match(read('.codex/hooks.json'), /^\{\n {4}"hooks"/, 'the file keeps its own indentation');
    assert.ok(read('.codex/hooks.json').includes('notify-send done'));
    assert.ok(read('.gemini/settings.json').includes('./lint.sh') && read('.gemini/settings.json').includes('"theme": "GitHub"'));
    assert.ok(read('.cursor/hooks.json').includes('./format.sh') && read('.cursor/hooks.json').includes('agent-tracker-hook'));
    assert.equal(read('.copilot/hooks/mine.json'), userFiles['.copilot/hooks/mine.json']);
    assert.ok(read('.copilot/hooks/agent-tracker.json').includes('agent-tracker-hook'));
    assert.equal(read('Documents/Cline/Hooks/TaskStart'), userFiles['Documents/Cline/Hooks/TaskStart'], 'the user’s own Cline hook is kept');
    assert.ok(read('Documents/Cline/Hooks/PreToolUse').includes('agent-tracker-hook'));
    const launcher = path.join(trackerHome, 'bin', 'agent-tracker-hook');
    assert.ok(statSync(launcher).mode & 0o100, 'the launcher is executable');
    assert.ok(readFileSync(launcher, 'utf8').includes(`exec ${process.execPath} `) || readFileSync(launcher, 'utf8').includes(`exec '${process.execPath}' `));

    const files = [...Object.keys(userFiles), '.copilot/hooks/agent-tracker.json', 'Documents/Cline/Hooks/PreToolUse'];
    const before = new Map(files.map((file) => [file, { text: read(file), mtime: statSync(path.join(userHome, file)).mtimeMs }]));
    const second = await hooksCli('install', '--agent', 'all', '--json');
    assert.equal(second.code, 0, second.stderr);
    const report = JSON.parse(second.stdout) as { agents: Array<{ agent: string; changed: boolean }> };
    assert.deepEqual(report.agents.filter((a) => a.changed).map((a) => a.agent), [], 'nothing changed on the second install');
    for (const [file, { text, mtime }] of before) {
      assert.equal(read(file), text, `${file} is unchanged`);
      assert.equal(statSync(path.join(userHome, file)).mtimeMs, mtime, `${file} was not rewritten`);
    }
  });

  it('uninstall removes exactly ours: every user file is back byte for byte', async () => {
    assert.equal((await hooksCli('install', '--agent', 'all')).code, 0);
    const removed = await hooksCli('uninstall', '--json');
    assert.equal(removed.code, 0, removed.stderr);
    for (const [file, text] of Object.entries(userFiles)) assert.equal(read(file), text, `${file} is as the user wrote it`);
    assert.equal(existsSync(path.join(userHome, '.copilot/hooks/agent-tracker.json')), false);
    assert.equal(existsSync(path.join(userHome, 'Documents/Cline/Hooks/PreToolUse')), false);
    const again = JSON.parse((await hooksCli('uninstall', '--json')).stdout) as { agents: Array<{ changed: boolean }> };
    assert.ok(again.agents.every((a) => !a.changed), 'a second uninstall changes nothing');
  });

  it('status says per agent whether it is found, whether our hooks are in, and that Codex still waits for trust', async () => {
    const fresh = JSON.parse((await hooksCli('status', '--json')).stdout) as { agents: Array<{ agent: string; foundAt: string | null; installed: boolean }> };
    assert.deepEqual(fresh.agents.map((a) => a.agent), ['claude-code', 'codex', 'gemini-cli', 'cursor', 'copilot-cli', 'cline']);
    assert.ok(fresh.agents.every((a) => a.foundAt !== null && !a.installed), 'each is found by its config folder, none has our hooks yet');
    await hooksCli('install', '--agent', 'codex');
    await hooksCli('install', '--agent', 'claude-code');
    const status = JSON.parse((await hooksCli('status', '--json')).stdout) as {
      agents: Array<{ agent: string; installed: boolean; trust?: { pending: boolean; how: string } }>;
    };
    const byAgent = new Map(status.agents.map((a) => [a.agent, a]));
    assert.equal(byAgent.get('claude-code')?.installed, true);
    assert.equal(byAgent.get('gemini-cli')?.installed, false);
    assert.equal(byAgent.get('codex')?.installed, true);
    assert.equal(byAgent.get('codex')?.trust?.pending, true);
    assert.match(byAgent.get('codex')?.trust?.how ?? '', /\/hooks/);
    const human = await hooksCli('status');
    assert.match(human.stdout, /Codex .*hooks installed[^\n]*\n\s+waiting for your trust: .*\/hooks/);
  });

  it('install without --agent connects only the agents found on this machine', async () => {
    const bare = cliEnv({ HOME: path.join(root, 'bare'), CODEX_HOME: path.join(root, 'bare', '.codex'), PATH: '/usr/bin:/bin' });
    mkdirSync(path.join(root, 'bare', '.gemini'), { recursive: true });
    const result = await runCli(['hooks', 'install', '--json', '--home', trackerHome], { env: bare });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { agents: Array<{ agent: string }> }).agents.map((a) => a.agent), ['gemini-cli']);
  });

  it('refuses a settings file that is not valid JSON and leaves it alone; the other agents are still connected', async () => {
    writeFileSync(path.join(userHome, '.claude/settings.json'), '{ "model": "opus", }\n');
    const result = await hooksCli('install');
    assert.equal(result.code, 1, 'the exit code says one agent was not connected');
    assert.match(result.stdout, /Claude Code +not changed: .*not valid JSON/);
    assert.equal(read('.claude/settings.json'), '{ "model": "opus", }\n');
    assert.ok(read('.gemini/settings.json').includes('agent-tracker-hook'), 'Gemini CLI is connected all the same');
  });
});

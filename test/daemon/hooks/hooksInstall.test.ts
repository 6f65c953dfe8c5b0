import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../../daemon/src/cli/hooks/shellQuote.js';
import { pollUntil } from '../../support/poll.js';
import { useDaemonProcess } from '../support/daemonProcessFixture.js';
import { runThroughShell } from '../support/hookShell.js';
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
    writeFileSync(path.join(userHome, '.claude/settings.json'), '{ "model": "opus", \n');
    const result = await hooksCli('install');
    assert.equal(result.code, 1, 'the exit code says one agent was not connected');
    assert.match(result.stdout, /Claude Code +not changed: .*not valid JSON/);
    assert.equal(read('.claude/settings.json'), '{ "model": "opus", \n');
    assert.ok(read('.gemini/settings.json').includes('agent-tracker-hook'), 'Gemini CLI is connected all the same');
  });
});

/**
 * Files as people really keep them: comments, trailing commas, odd indentation, CRLF, numbers no double holds, a hook
 * of the user's own that merely mentions the forwarder. Install changes only what it adds; uninstall gives back every
 * byte. `LOOKALIKE` is filled in with the tracker home of each test.
 */
const LOOKALIKE = '__LOOKALIKE__';
const awkwardFiles: Record<string, string> = {
  '.claude/settings.json': [
    '// my Claude Code settings',
    '{',
    '   "model": "opus", // the big one',
    '   "limits": { "huge": 1e400, "id": 12345678901234567890 },',
    '   "hooks": {',
    '      "PreToolUse": [',
    `         { "matcher": "Bash", "hooks": [ { "type": "command", "command": ${LOOKALIKE} }, ] },`,
    '      ],',
    '   },',
    '}',
    '',
  ].join('\n'),
  '.codex/hooks.json': ['{', '\t"hooks": {', '\t\t"Stop": [', '\t\t\t{ "hooks": [{ "type": "command", "command": "notify-send done" }] }', '\t\t]', '\t}', '}'].join('\r\n'),
  '.gemini/settings.json': '{ "ui": { "theme": "GitHub" }, /* inline */ "count": 1e400 }',
  '.cursor/hooks.json': [
    '{',
    '  "version": 1,',
    '  "hooks": {',
    '    // formatting after each edit',
    '    "afterFileEdit": [{ "command": "./format.sh" },],',
    `    "stop": [{ "command": ${LOOKALIKE} }]`,
    '  }',
    '}',
  ].join('\n'),
};

describe('cli: hooks install keeps the user’s files byte for byte', function () {
  this.timeout(120_000);
  let root: string;
  let userHome: string;
  let trackerHome: string;
  let env: NodeJS.ProcessEnv;
  let lookalike: string;
  const hooksCli = (...args: string[]) => runCli(['hooks', ...args, '--home', trackerHome], { env, timeoutMs: 60_000 });
  const file = (name: string) => path.join(userHome, name);
  const read = (name: string) => readFileSync(file(name), 'utf8');
  const write = (name: string, text: string, mode = 0o644) => {
    mkdirSync(path.dirname(file(name)), { recursive: true });
    writeFileSync(file(name), text, { mode });
  };
  const original = (name: string) => (awkwardFiles[name] as string).replaceAll(LOOKALIKE, JSON.stringify(lookalike));

  beforeEach(() => {
    root = makeTempHome('hooks-bytes');
    userHome = path.join(root, 'user');
    trackerHome = path.join(root, 'tracker');
    env = cliEnv({ HOME: userHome, CODEX_HOME: path.join(userHome, '.codex'), PATH: '/usr/bin:/bin' });
    // The exact command we write, followed by more of the user's own: theirs, not ours.
    lookalike = `${shellQuote(path.join(trackerHome, 'bin', 'agent-tracker-hook'))} claude-code && ~/bin/audit.sh`;
    for (const name of Object.keys(awkwardFiles)) write(name, original(name));
  });

  afterEach(() => removeTempHome(root));

  it('adds only our entries to files with comments, trailing commas, CRLF and huge numbers, and uninstall gives back every byte', async () => {
    const installed = await hooksCli('install', '--agent', 'all');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    const claude = read('.claude/settings.json');
    for (const kept of ['// my Claude Code settings', '"model": "opus", // the big one', '"huge": 1e400', '"id": 12345678901234567890', lookalike]) {
      assert.ok(claude.includes(kept), `${kept} is kept:\n${claude}`);
    }
    assert.ok(claude.startsWith(original('.claude/settings.json').split('\n').slice(0, 6).join('\n')), 'the lines before our entries are untouched');
    assert.match(claude, /\n {9}\{\n {12}"hooks": \[\n {15}\{\n {18}"type": "command",/, 'our group follows the file’s own three-space indentation');
    const codex = read('.codex/hooks.json');
    assert.ok(!/[^\r]\n/.test(codex), 'CRLF stays CRLF');
    assert.ok(codex.includes('\t\t\t{ "hooks": [{ "type": "command", "command": "notify-send done" }] }'), 'the user’s line is untouched');
    assert.ok(read('.gemini/settings.json').includes('/* inline */ "count": 1e400'));
    const cursor = read('.cursor/hooks.json');
    assert.ok(cursor.includes('"afterFileEdit": [{ "command": "./format.sh" }, {"command":'), 'ours joins the one-line list in its own style');
    assert.ok(cursor.includes(`"stop": [{ "command": ${JSON.stringify(lookalike)} }, {"command":`), 'the look-alike stays, ours is added next to it');

    const again = await hooksCli('install', '--agent', 'all', '--json');
    assert.deepEqual((JSON.parse(again.stdout) as { agents: Array<{ changed: boolean }> }).agents.map((a) => a.changed), [false, false, false, false, false, false]);

    const removed = await hooksCli('uninstall', '--agent', 'all');
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    for (const name of Object.keys(awkwardFiles)) assert.equal(read(name), original(name), `${name} is back byte for byte`);
  });

  it('an empty settings file and a missing one come back as they were (a file we created is the empty object)', async () => {
    write('.claude/settings.json', '{}\n');
    assert.equal((await hooksCli('install', '--agent', 'claude-code')).code, 0);
    assert.equal((await hooksCli('uninstall', '--agent', 'claude-code')).code, 0);
    assert.equal(read('.claude/settings.json'), '{}\n');
  });

  it('writes through a symlinked settings file to its target, and the link stays a link', async () => {
    const target = path.join(root, 'dotfiles', 'claude-settings.json');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, original('.claude/settings.json'));
    rmSync(file('.claude/settings.json'));
    symlinkSync(target, file('.claude/settings.json'));
    assert.equal((await hooksCli('install', '--agent', 'claude-code')).code, 0);
    assert.ok(lstatSync(file('.claude/settings.json')).isSymbolicLink(), 'still a link');
    assert.ok(readFileSync(target, 'utf8').includes(`${JSON.stringify(`${shellQuote(path.join(trackerHome, 'bin', 'agent-tracker-hook'))} claude-code`)}`), 'the target holds our hooks');
    assert.equal((await hooksCli('uninstall', '--agent', 'claude-code')).code, 0);
    assert.ok(lstatSync(file('.claude/settings.json')).isSymbolicLink());
    assert.equal(readFileSync(target, 'utf8'), original('.claude/settings.json'));
  });

  it('refuses a read-only settings file with a message naming it and a non-zero exit; the other agents are connected', async () => {
    chmodSync(file('.claude/settings.json'), 0o444);
    const result = await hooksCli('install', '--agent', 'all');
    assert.equal(result.code, 1);
    assert.ok(result.stdout.includes(`${file('.claude/settings.json')}: is read-only`), result.stdout);
    assert.equal(read('.claude/settings.json'), original('.claude/settings.json'));
    assert.equal(statSync(file('.claude/settings.json')).mode & 0o777, 0o444);
    assert.ok(read('.gemini/settings.json').includes('agent-tracker-hook'));
  });

  it('Codex with hooks off: notify goes into config.toml among the user’s comments, hooks.json stays untouched, uninstall restores every byte', async () => {
    const toml = '# my Codex settings\r\nmodel = "o4-mini"   # keep this comment\r\n\r\n[features]\r\nhooks = false # not yet\r\n';
    write('.codex/config.toml', toml);
    const result = await hooksCli('install', '--agent', 'codex', '--json');
    assert.equal(result.code, 0, result.stderr);
    const after = read('.codex/config.toml');
    assert.equal(after, toml.replace('# keep this comment\r\n', `# keep this comment\r\nnotify = [ ${JSON.stringify(path.join(trackerHome, 'bin', 'agent-tracker-hook'))}, "codex" ]\r\n`));
    assert.equal(read('.codex/hooks.json'), original('.codex/hooks.json'), 'hooks.json is not written while hooks are off');
    const status = JSON.parse((await hooksCli('status', '--agent', 'codex', '--json')).stdout) as { agents: Array<{ installed: boolean; events: string[]; approvals: { possible: boolean } }> };
    assert.equal(status.agents[0]?.installed, true);
    assert.deepEqual(status.agents[0]?.events, ['notify']);
    assert.equal(status.agents[0]?.approvals.possible, false);
    assert.equal((await hooksCli('uninstall', '--agent', 'codex')).code, 0);
    assert.equal(read('.codex/config.toml'), toml);
    assert.ok(read('.codex/config.toml.agent-tracker.bak').includes('# keep this comment'), 'the backup keeps the comments too');
  });

  it('Codex: a config.toml that does not parse stops the install before hooks.json is written', async () => {
    write('.codex/config.toml', 'model = \n');
    const result = await hooksCli('install', '--agent', 'codex');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /config\.toml: not valid TOML/);
    assert.equal(read('.codex/hooks.json'), original('.codex/hooks.json'), 'nothing was changed, and nothing was');
  });

  it('Cline: our script edited by the user is kept on install and on uninstall', async () => {
    assert.equal((await hooksCli('install', '--agent', 'cline')).code, 0);
    const edited = `${read('Documents/Cline/Hooks/PreToolUse')}echo my own line >> ~/cline.log\n`;
    write('Documents/Cline/Hooks/PreToolUse', edited, 0o755);
    const again = await hooksCli('install', '--agent', 'cline');
    assert.match(again.stdout, /PreToolUse: our hook script was edited, kept as it is/);
    assert.equal(read('Documents/Cline/Hooks/PreToolUse'), edited);
    const removed = await hooksCli('uninstall', '--agent', 'cline');
    assert.equal(removed.code, 0);
    assert.equal(read('Documents/Cline/Hooks/PreToolUse'), edited, 'the user’s lines survive uninstall');
    assert.equal(existsSync(file('Documents/Cline/Hooks/TaskStart')), false, 'unedited scripts of ours are removed');
  });

  it('Copilot CLI: our own file goes on uninstall unless the user added to it', async () => {
    assert.equal((await hooksCli('install', '--agent', 'copilot-cli')).code, 0);
    const ours = read('.copilot/hooks/agent-tracker.json');
    // Every event its adapter reads, failed calls and permission prompts among them.
    const events = Object.keys((JSON.parse(ours) as { hooks: Record<string, unknown> }).hooks);
    for (const event of ['postToolUse', 'postToolUseFailure', 'notification', 'errorOccurred']) assert.ok(events.includes(event), event);
    assert.equal((await hooksCli('uninstall', '--agent', 'copilot-cli')).code, 0);
    assert.equal(existsSync(file('.copilot/hooks/agent-tracker.json')), false);
    write('.copilot/hooks/agent-tracker.json', ours.replace('"sessionStart": [', '"sessionStart": [\n      { "type": "command", "bash": "echo mine" },'));
    assert.equal((await hooksCli('uninstall', '--agent', 'copilot-cli')).code, 0);
    assert.deepEqual(JSON.parse(read('.copilot/hooks/agent-tracker.json')), { version: 1, hooks: { sessionStart: [{ type: 'command', bash: 'echo mine' }] } });
  });
});

describe('cli: hooks install --approvals', function () {
  this.timeout(120_000);
  let root: string;
  let userHome: string;
  let trackerHome: string;
  let env: NodeJS.ProcessEnv;
  const hooksCli = (...args: string[]) => runCli(['hooks', ...args, '--home', trackerHome], { env, timeoutMs: 60_000 });
  const readJson = (name: string) => JSON.parse(readFileSync(path.join(userHome, name), 'utf8')) as { hooks: Record<string, Array<Record<string, unknown>>> };
  const grouped = (name: string, event: string) => readJson(name).hooks[event]?.flatMap((group) => group['hooks'] as Array<Record<string, unknown>>) ?? [];
  const command = (kind: string, wait?: number) => `${shellQuote(path.join(trackerHome, 'bin', 'agent-tracker-hook'))} ${kind}${wait === undefined ? '' : ` --approval-wait ${wait}`}`;

  beforeEach(() => {
    root = makeTempHome('hooks-approvals');
    userHome = path.join(root, 'user');
    trackerHome = path.join(root, 'tracker');
    env = cliEnv({ HOME: userHome, CODEX_HOME: path.join(userHome, '.codex'), PATH: '/usr/bin:/bin' });
    for (const [file, text] of Object.entries(userFiles)) {
      mkdirSync(path.dirname(path.join(userHome, file)), { recursive: true });
      writeFileSync(path.join(userHome, file), text, { mode: 0o644 });
    }
  });

  afterEach(() => removeTempHome(root));

  it('a plain install only observes: no agent waits on a permission hook, and Claude Code’s prompt hook answers synchronously', async () => {
    assert.equal((await hooksCli('install', '--agent', 'all')).code, 0);
    const [prompt] = grouped('.claude/settings.json', 'UserPromptSubmit');
    assert.deepEqual(prompt, { type: 'command', command: command('claude-code'), timeout: 10 }, 'no async: the daemon can refuse a prompt');
    assert.equal(grouped('.claude/settings.json', 'PreToolUse')[1]?.['async'], true, 'tool hooks stay asynchronous');
    assert.deepEqual(grouped('.claude/settings.json', 'PermissionRequest'), [{ type: 'command', command: command('claude-code'), async: true, timeout: 10 }]);
    assert.deepEqual(grouped('.claude/settings.json', 'PermissionDenied'), [{ type: 'command', command: command('claude-code'), async: true, timeout: 10 }], 'a denial is on the record');
    assert.equal(grouped('.codex/hooks.json', 'PermissionRequest')[0]?.['command'], command('codex'));
    const status = JSON.parse((await hooksCli('status', '--json')).stdout) as { agents: Array<{ agent: string; approvals: { possible: boolean; on: boolean } }> };
    assert.deepEqual(
      status.agents.map((a) => [a.agent, a.approvals.possible, a.approvals.on]),
      [['claude-code', true, false], ['codex', true, false], ['gemini-cli', false, false], ['cursor', true, false], ['copilot-cli', true, false], ['cline', false, false]],
    );
  });

  const cases = [
    { agent: 'claude-code', file: '.claude/settings.json', event: 'PermissionRequest', entry: (w: number) => ({ type: 'command', command: command('claude-code', w), timeout: w + 30 }) },
    { agent: 'codex', file: '.codex/hooks.json', event: 'PermissionRequest', entry: (w: number) => ({ type: 'command', command: command('codex', w), timeout: w + 30 }) },
    { agent: 'cursor', file: '.cursor/hooks.json', event: 'beforeShellExecution', entry: (w: number) => ({ command: command('cursor', w), timeout: w + 30 }) },
    { agent: 'cursor', file: '.cursor/hooks.json', event: 'beforeMCPExecution', entry: (w: number) => ({ command: command('cursor', w), timeout: w + 30 }) },
    { agent: 'copilot-cli', file: '.copilot/hooks/agent-tracker.json', event: 'preToolUse', entry: (w: number) => ({ type: 'command', bash: command('copilot-cli', w), timeoutSec: w + 30 }) },
  ] as const;

  it('installs each agent’s permission hook with the wait in its command and the agent’s timeout above it; status says so', async () => {
    const result = await hooksCli('install', '--agent', 'all', '--approvals', '--approval-wait', '45');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Gemini CLI .*\n\s+approvals: not possible/);
    assert.match(result.stdout, /Cline .*\n(\s+.*\n)*\s+approvals: not possible/);
    for (const c of cases) {
      const entries = c.file.startsWith('.claude') || c.file.startsWith('.codex') ? grouped(c.file, c.event) : (readJson(c.file).hooks[c.event] ?? []);
      assert.deepEqual(entries.filter((e) => String(e['command'] ?? e['bash']).includes('agent-tracker-hook')), [c.entry(45)], `${c.agent} ${c.event}`);
    }
    assert.equal(grouped('.claude/settings.json', 'PreToolUse')[1]?.['async'], true, 'only the permission hook waits');
    const status = JSON.parse((await hooksCli('status', '--json')).stdout) as { agents: Array<{ agent: string; approvals: { on: boolean; wait: number | null } }> };
    assert.deepEqual(
      status.agents.map((a) => [a.agent, a.approvals.on, a.approvals.wait]),
      [['claude-code', true, 45], ['codex', true, 45], ['gemini-cli', false, null], ['cursor', true, 45], ['copilot-cli', true, 45], ['cline', false, null]],
    );
    assert.match((await hooksCli('status', '--agent', 'claude-code')).stdout, /approvals: on, waiting up to 45 s/);
  });

  it('a later plain install keeps approvals as they are, --no-approvals takes them out, uninstall removes them with the rest', async () => {
    assert.equal((await hooksCli('install', '--agent', 'claude-code', '--approvals')).code, 0);
    assert.deepEqual(grouped('.claude/settings.json', 'PermissionRequest'), [{ type: 'command', command: command('claude-code', 120), timeout: 150 }], 'the default wait is 120 s');
    assert.equal((await hooksCli('install', '--agent', 'claude-code')).code, 0);
    assert.equal(grouped('.claude/settings.json', 'PermissionRequest')[0]?.['command'], command('claude-code', 120));
    assert.equal((await hooksCli('install', '--agent', 'claude-code', '--no-approvals')).code, 0);
    assert.deepEqual(grouped('.claude/settings.json', 'PermissionRequest'), [{ type: 'command', command: command('claude-code'), async: true, timeout: 10 }]);
    assert.equal((await hooksCli('install', '--agent', 'claude-code', '--approvals', '--approval-wait', '600')).code, 0);
    assert.equal((await hooksCli('uninstall', '--agent', 'claude-code')).code, 0);
    assert.equal(readFileSync(path.join(userHome, '.claude/settings.json'), 'utf8'), userFiles['.claude/settings.json']);
    const wrong = await hooksCli('install', '--agent', 'claude-code', '--approvals', '--approval-wait', '2');
    assert.equal(wrong.code, 2, 'a wait below 5 s is a usage error');
  });
});

describe('cli: hooks install for Cursor names only the events of the Cursor found', function () {
  this.timeout(60_000);
  let root: string;
  const cursorEvents = async (version: string | undefined): Promise<string[]> => {
    const bin = path.join(root, `bin-${version ?? 'none'}`);
    mkdirSync(bin, { recursive: true });
    // Stands in for Cursor's own CLI, which only prints its version here.
    if (version !== undefined) writeFileSync(path.join(bin, 'cursor'), `#!/bin/sh\necho ${version}\necho 0123abcd\necho x64\n`, { mode: 0o755 });
    const home = path.join(root, `home-${version ?? 'none'}`);
    const env = cliEnv({ HOME: home, PATH: `${bin}:/usr/bin:/bin` });
    const result = await runCli(['hooks', 'install', '--agent', 'cursor', '--home', path.join(root, 'tracker')], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return Object.keys((JSON.parse(readFileSync(path.join(home, '.cursor', 'hooks.json'), 'utf8')) as { hooks: object }).hooks);
  };

  before(() => (root = makeTempHome('hooks-cursor')));
  after(() => removeTempHome(root));

  it('unknown version: the events every Cursor with hooks knows (1.7)', async () => {
    assert.deepEqual(await cursorEvents(undefined), ['beforeSubmitPrompt', 'beforeShellExecution', 'beforeMCPExecution', 'afterFileEdit', 'stop']);
  });

  it('2.0: the after-events too, not the session events', async () => {
    assert.deepEqual(await cursorEvents('2.0.77'), ['beforeSubmitPrompt', 'beforeShellExecution', 'afterShellExecution', 'beforeMCPExecution', 'afterMCPExecution', 'afterFileEdit', 'afterAgentResponse', 'stop']);
  });

  it('a current Cursor: every event we use', async () => {
    assert.deepEqual((await cursorEvents('2.6.1')).length, 10);
  });
});

describe('cli: the permission hook `hooks install --approvals` wrote, run as the agent runs it', function () {
  this.timeout(120_000);
  const daemon = useDaemonProcess();
  let userHome: string;
  before(() => (userHome = makeTempHome('hooks-approvals-run')));
  after(() => removeTempHome(userHome));

  /** The command of our entry on `event` in the agent's settings, as installed. */
  const installedCommand = (file: string, event: string): string => {
    const settings = JSON.parse(readFileSync(path.join(userHome, file), 'utf8')) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
    const command = settings.hooks[event]?.flatMap((group) => group.hooks).find((entry) => entry.command.includes('--approval-wait'))?.command;
    assert.ok(command !== undefined, `a waiting ${event} hook in ${file}`);
    return command;
  };

  for (const { agent, file } of [
    { agent: 'claude-code', file: '.claude/settings.json' },
    { agent: 'codex', file: '.codex/hooks.json' },
  ] as const) {
    it(`${agent}: PermissionRequest waits for the decision taken elsewhere and hands it to the agent`, async () => {
      const env = cliEnv({ HOME: userHome, CODEX_HOME: path.join(userHome, '.codex'), PATH: '/usr/bin:/bin' });
      const installed = await runCli(['hooks', 'install', '--agent', agent, '--approvals', '--approval-wait', '30', '--home', daemon.home], { env });
      assert.equal(installed.code, 0, installed.stdout + installed.stderr);
      const session = `approvals-run-${agent}`;
      const payload = { session_id: session, cwd: '/w/app', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm -rf build', description: 'clean' } };
      const hook = runThroughShell(installedCommand(file, 'PermissionRequest'), env, JSON.stringify(payload), 60_000);
      const approval = await pollUntil('the pending approval', async () => (await daemon.client.listApprovals('pending')).items.find((a) => a.agentId === `${agent}:${session}`));
      await daemon.client.decideApproval(approval.id, { decision: 'deny', reason: 'not today' });
      const run = await hook.done;
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not today' } } });
    });
  }
});

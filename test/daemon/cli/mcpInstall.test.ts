/**
 * `agent-tracker mcp install | uninstall | status` on real config files in a temporary HOME: our server is merged into
 * each agent's own file next to what the user has there, twice is once, uninstall takes out exactly ours, and the
 * installed command really serves the tools.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { cliEnv, runCli } from '../support/runCli.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';

interface ServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
  type?: string;
}

const CODEX_BEFORE = `# my codex settings
model = "o4-mini"   # keep this comment

[mcp_servers.docs]
command = "docs-server"
args = ["--port", "1"]
`;
const GEMINI_BEFORE = `{
  // comments are allowed here
  "theme": "dark",
  "mcpServers": { "other": { "command": "other" } }
}
`;
const CLAUDE_BEFORE = `{\n  "numStartups": 3,\n  "projects": {}\n}\n`;
const CURSOR_BEFORE = `{\n    "mcpServers": {\n        "db": { "url": "http://127.0.0.1:9/mcp" }\n    }\n}\n`;

describe('cli: mcp install', function () {
  this.timeout(60_000);
  let home: string;
  let files: Record<'claude' | 'codex' | 'gemini' | 'cursor', string>;
  const env = () => cliEnv({ HOME: home, CODEX_HOME: undefined });
  const cli = (...args: string[]) => runCli(['mcp', ...args], { env: env() });
  const read = (file: string) => readFileSync(file, 'utf8');
  const jsonServers = (file: string) => (parseJsonc(read(file)) as { mcpServers: Record<string, ServerEntry> }).mcpServers;
  const tomlServers = (file: string) => (parseToml(read(file)) as unknown as { mcp_servers: Record<string, ServerEntry> }).mcp_servers;

  before(() => {
    home = makeTempHome('mcp-install');
    files = {
      claude: join(home, '.claude.json'),
      codex: join(home, '.codex', 'config.toml'),
      gemini: join(home, '.gemini', 'settings.json'),
      cursor: join(home, '.cursor', 'mcp.json'),
    };
    for (const dir of ['.claude', '.codex', '.gemini', '.cursor']) mkdirSync(join(home, dir));
    writeFileSync(files.claude, CLAUDE_BEFORE);
    writeFileSync(files.codex, CODEX_BEFORE);
    writeFileSync(files.gemini, GEMINI_BEFORE);
    writeFileSync(files.cursor, CURSOR_BEFORE);
  });
  after(() => removeTempHome(home));

  it('adds the server to every agent found, next to what is there, with a backup', async () => {
    const result = await cli('install', '--agent', 'all', '--json');
    assert.equal(result.code, 0, result.stderr);
    const { changes } = JSON.parse(result.stdout) as { changes: { agent: string; changed: boolean }[] };
    assert.deepEqual(changes.map((c) => [c.agent, c.changed]), [['claude-code', true], ['codex', true], ['gemini-cli', true], ['cursor', true]]);

    const claude = jsonServers(files.claude)['agent-tracker'];
    assert.equal(claude?.type, 'stdio');
    assert.equal(claude?.command, process.execPath);
    assert.deepEqual(claude?.args.slice(1), ['mcp']);
    assert.equal((parseJsonc(read(files.claude)) as { numStartups: number }).numStartups, 3);

    const codex = tomlServers(files.codex);
    assert.deepEqual(codex['agent-tracker']?.args.slice(1), ['mcp']);
    assert.deepEqual({ ...codex.docs }, { command: 'docs-server', args: ['--port', '1'] });
    assert.ok(read(files.codex).startsWith(CODEX_BEFORE.trimEnd()), 'the user\'s lines stay byte for byte');

    assert.ok(read(files.gemini).includes('// comments are allowed here'));
    assert.deepEqual(Object.keys(jsonServers(files.gemini)), ['other', 'agent-tracker']);
    assert.ok(jsonServers(files.cursor).db);
    assert.ok(jsonServers(files.cursor)['agent-tracker']);
    assert.equal(read(`${files.codex}.agent-tracker.bak`), CODEX_BEFORE);
    assert.equal(read(`${files.gemini}.agent-tracker.bak`), GEMINI_BEFORE);
  });

  it('is idempotent: a second install changes nothing', async () => {
    const before = Object.values(files).map(read);
    const result = await cli('install', '--agent', 'all');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /codex: MCP server already in/);
    assert.deepEqual(Object.values(files).map(read), before);
  });

  it('status reports each agent as found and installed', async () => {
    const result = await cli('status', '--json');
    assert.equal(result.code, 0, result.stderr);
    const { agents } = JSON.parse(result.stdout) as { agents: { agent: string; found: boolean; installed: boolean }[] };
    assert.ok(agents.every((a) => a.found && a.installed), result.stdout);
  });

  it('the installed command serves the tracker tools over stdio', async () => {
    const entry = jsonServers(files.claude)['agent-tracker'] as ServerEntry;
    const client = new Client({ name: 'installed-entry', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...(env() as Record<string, string>), ...entry.env } }),
    );
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'tracker_create_task'));
      // No daemon runs on this HOME: the call is a tool error that says so, not a crash of the server.
      const result = (await client.callTool({ name: 'tracker_list_tasks', arguments: {} })) as { isError?: boolean; content: { text: string }[] };
      assert.equal(result.isError, true);
      assert.match(result.content[0]?.text ?? '', /"code": "unreachable"/);
    } finally {
      await client.close();
    }
  });

  it('uninstall removes exactly ours; Codex\'s file is as it was', async () => {
    const result = await cli('uninstall', '--agent', 'all');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(files.codex), CODEX_BEFORE);
    assert.deepEqual(Object.keys(jsonServers(files.gemini)), ['other']);
    assert.ok(read(files.gemini).includes('// comments are allowed here'));
    assert.deepEqual(Object.keys(jsonServers(files.cursor)), ['db']);
    assert.equal((parseJsonc(read(files.claude)) as { mcpServers?: Record<string, unknown> }).mcpServers?.['agent-tracker'], undefined);
    const again = await cli('uninstall', '--agent', 'codex');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /codex: MCP server not in/);
  });

  it('leaves a server of the same name that it did not add alone, and an unreadable file unchanged', async () => {
    const foreign = `{ "mcpServers": { "agent-tracker": { "command": "mine" } } }\n`;
    writeFileSync(files.cursor, foreign);
    const refused = await cli('install', '--agent', 'cursor');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout + refused.stderr, /did not add/);
    assert.equal(read(files.cursor), foreign);
    const removed = await cli('uninstall', '--agent', 'cursor');
    assert.equal(removed.code, 1);
    assert.equal(read(files.cursor), foreign);

    writeFileSync(files.codex, 'model = \n');
    const broken = await cli('install', '--agent', 'codex');
    assert.equal(broken.code, 1);
    assert.match(broken.stdout + broken.stderr, /not valid TOML/);
    assert.equal(read(files.codex), 'model = \n');
  });

  it('--agent all skips agents that are not on this machine', async () => {
    const bare = makeTempHome('mcp-bare');
    try {
      mkdirSync(join(bare, '.gemini'));
      const result = await runCli(['mcp', 'install', '--agent', 'all', '--json'], { env: cliEnv({ HOME: bare, CODEX_HOME: undefined }) });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { changes: { agent: string }[] }).changes.map((c) => c.agent), ['gemini-cli']);
      assert.equal(existsSync(join(bare, '.codex')), false);
      assert.equal(existsSync(join(bare, '.claude.json')), false);
    } finally {
      removeTempHome(bare);
    }
  });
});

describe('cli: mcp install keeps the user’s files byte for byte', function () {
  this.timeout(60_000);
  let home: string;
  const cli = (...args: string[]) => runCli(['mcp', ...args], { env: cliEnv({ HOME: home, CODEX_HOME: undefined }) });
  const read = (file: string) => readFileSync(file, 'utf8');

  beforeEach(() => {
    home = makeTempHome('mcp-bytes');
    for (const dir of ['.codex', '.gemini', '.cursor']) mkdirSync(join(home, dir));
  });
  afterEach(() => removeTempHome(home));

  it('Codex: blank lines, CRLF and a last line without a line break come back exactly', async () => {
    const toml = '# mine\r\nmodel = "o4-mini"\r\n\r\n\r\n\r\n[mcp_servers.docs]\r\ncommand = "docs-server"  # trailing';
    const file = join(home, '.codex', 'config.toml');
    writeFileSync(file, toml);
    assert.equal((await cli('install', '--agent', 'codex')).code, 0);
    const installed = read(file);
    assert.ok(installed.startsWith(`${toml}\r\n# Added by`), installed);
    assert.ok(!/[^\r]\n/.test(installed), 'our lines end as the file’s do');
    assert.equal((await cli('uninstall', '--agent', 'codex')).code, 0);
    assert.equal(read(file), toml);
  });

  it('JSON: huge numbers, comments and a symlinked file; the link stays and its target comes back exactly', async () => {
    const json = '{\n\t// servers and numbers\n\t"limits": [1e400, 12345678901234567890],\n}\n';
    const target = join(home, 'dotfiles', 'gemini.json');
    mkdirSync(join(home, 'dotfiles'));
    writeFileSync(target, json);
    const link = join(home, '.gemini', 'settings.json');
    symlinkSync(target, link);
    assert.equal((await cli('install', '--agent', 'gemini-cli')).code, 0);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.ok(read(target).includes('"limits": [1e400, 12345678901234567890]'));
    assert.ok((parseJsonc(read(target)) as { mcpServers: Record<string, unknown> }).mcpServers['agent-tracker']);
    assert.equal((await cli('uninstall', '--agent', 'gemini-cli')).code, 0);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(read(target), json);
  });

  it('a read-only config is refused with a message naming it, and left as it is', async () => {
    const file = join(home, '.cursor', 'mcp.json');
    writeFileSync(file, '{}\n', { mode: 0o444 });
    const result = await cli('install', '--agent', 'cursor');
    assert.equal(result.code, 1);
    assert.match(result.stdout + result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is read-only`));
    assert.equal(read(file), '{}\n');
  });
});

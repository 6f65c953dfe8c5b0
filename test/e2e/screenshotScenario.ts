// The world of the screenshots in the README and docs/: an afternoon of Claude Code, Codex and Gemini CLI sessions
// replayed through their hooks (finished and failed turns, a turn with subagents, files changed, a daily budget), on a
// daemon whose clock is moved forward as the afternoon goes so that the timeline and the dashboard have hours to show.
// It ends now with two agents busy, one idle, and one Claude Code session about to ask for a permission from a
// terminal of the workbench.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonApi } from './daemonApi.js';
import { HookSession, type Subagent, type Tokens, type ToolCall } from './hookSession.js';

/** The daemon's clock: a libfaketime offset file (see test/support/fakeClock.ts), moved forward only. */
export class ScenarioClock {
  constructor(readonly file: string) {}

  /** The daemon reads its clock from the file each time: the next request is timed by it. */
  async minutesAgo(minutes: number): Promise<void> {
    await writeFile(this.file, minutes === 0 ? '+0\n' : `-${minutes}m\n`);
  }
}

/** The permission the waiting agent asks for, as Claude Code's prompt words it. */
export const WAITING_COMMAND = 'rm -rf build && npm run build';

export interface Afternoon {
  /** The project the waiting Claude Code session works in: the folder the workbench opens. */
  workspace: string;
  waitingTitle: string;
  /** A tool call on each busy agent, so that none of them looks silent (possibly stuck) while the pictures are taken. */
  pulse(): Promise<void>;
  /** The waiting session asks for its permission; `pid` is the shell of the workbench terminal it runs in. */
  askPermission(pid: number, signal: AbortSignal): Promise<void>;
}

const projectFiles: Record<string, Record<string, string>> = {
  'shop-api': {
    'package.json': '{\n  "name": "shop-api",\n  "dependencies": { "express": "^4.21.0" }\n}\n',
    'src/server.ts': "import express from 'express';\n",
    'src/routes/orders.ts': 'export const orders = [];\n',
    'test/orders.test.ts': '// orders\n',
    'src/middleware/rateLimit.ts': '// rate limit\n',
  },
  billing: { 'src/invoices.ts': '// invoices\n' },
  'web-app': { 'src/pages/Settings.tsx': '// settings\n' },
  docs: { 'api/limits.md': '# Limits\n' },
};

let callCount = 0;
const call = (name: string, input: Record<string, unknown>, subagent?: Subagent): ToolCall => ({
  id: `toolu_${String(++callCount).padStart(4, '0')}`,
  name,
  input,
  ...(subagent ? { subagent } : {}),
});
const tokens = (input: number, output: number): Tokens => ({ input, cached: Math.round(input * 0.85), output });

export async function seedAfternoon(api: DaemonApi, clock: ScenarioClock, root: string): Promise<Afternoon> {
  for (const [project, files] of Object.entries(projectFiles)) {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, project, file)), { recursive: true });
      await writeFile(path.join(root, project, file), text);
    }
  }
  const home = path.join(root, 'home');
  const claudeTranscript = (project: string, session: string): string =>
    path.join(home, '.claude', 'projects', path.join(root, project).replace(/[^A-Za-z0-9]/g, '-'), `${session}.jsonl`);
  const session = async (kind: 'claude-code' | 'codex' | 'gemini-cli', id: string, project: string, model: string): Promise<HookSession> => {
    const cwd = path.join(root, project);
    const transcript =
      kind === 'claude-code'
        ? claudeTranscript(project, id)
        : kind === 'codex'
          ? path.join(home, '.codex', 'sessions', '2026', `rollout-${id}.jsonl`)
          : path.join(home, '.gemini', 'tmp', project, 'chats', `session-${id}.jsonl`);
    const s = new HookSession(api, kind, id, cwd, transcript, model);
    await s.open();
    await s.start();
    return s;
  };
  const at = (project: string, file: string): string => path.join(root, project, file);

  // A daily budget: the status bar and the dashboard show the spend against it.
  await clock.minutesAgo(195);
  await api.request('POST', '/v1/budgets', { period: 'day', usd: 5 });

  // 3 h 10 ago: Claude Code adds rate limiting, then its next turn fails on the API; the session ends.
  await clock.minutesAgo(190);
  const morning = await session('claude-code', '4c1e9a27-52b0-4d8e-9f11-0b7c2a6e3d15', 'shop-api', 'claude-sonnet-4-5');
  await morning.prompt('p1', 'Add rate limiting to the public API endpoints');
  await morning.tool('p1', call('Read', { file_path: at('shop-api', 'src/server.ts') }), tokens(42_000, 900));
  await clock.minutesAgo(182);
  await morning.tool('p1', call('Write', { file_path: at('shop-api', 'src/middleware/rateLimit.ts'), content: '…' }), tokens(58_000, 3_400));
  await morning.tool('p1', call('Edit', { file_path: at('shop-api', 'src/server.ts'), old_string: '…', new_string: '…' }), tokens(61_000, 1_200));
  await clock.minutesAgo(176);
  await morning.tool('p1', call('Bash', { command: 'npm test', description: 'Run the tests' }), tokens(64_000, 300), { ms: 8_400 });
  await morning.done('p1', 'Added a token-bucket limiter (100 requests a minute per API key) in front of /v1, with tests.', tokens(66_000, 700));

  // Gemini CLI documents the limits.
  await clock.minutesAgo(168);
  const docs = await session('gemini-cli', '9d2f4b61-7a3c-4e58-b0d9-5e1f8c3a2b74', 'docs', 'gemini-2.5-pro');
  await docs.prompt('g1', 'Document the new rate limits in the API guide');
  await docs.tool('g1', call('read_file', { absolute_path: at('docs', 'api/limits.md') }), tokens(18_000, 400));
  await clock.minutesAgo(163);
  await morning.prompt('p2', 'Fix the flaky checkout test');
  await morning.tool('p2', call('Read', { file_path: at('shop-api', 'test/checkout.test.ts') }), tokens(70_000, 500));
  await docs.tool('g1', call('replace', { file_path: at('docs', 'api/limits.md'), old_string: '…', new_string: '…' }), tokens(22_000, 2_100));
  await clock.minutesAgo(158);
  await morning.tool('p2', call('Bash', { command: 'npm test -- checkout' }), tokens(72_000, 200), { ms: 6_100, error: 'Command failed with exit code 1' });
  await docs.tool('g1', call('write_file', { file_path: at('docs', 'api/errors.md'), content: '…' }), tokens(24_000, 1_800));
  await clock.minutesAgo(151);
  await morning.failed('p2', 'API Error: 529 Overloaded');
  await docs.done('g1', 'The API guide now lists the limits per plan and the 429 answer with its Retry-After header.', tokens(25_000, 600));
  await clock.minutesAgo(149);
  await morning.end();

  // Codex migrates the settings page.
  await clock.minutesAgo(131);
  const web = await session('codex', '019a7c3e-5b2d-7f10-8e4a-2c6d9b1f0a38', 'web-app', 'gpt-5-codex');
  await web.prompt('c1', 'Migrate the settings page to the new form components');
  await web.tool('c1', call('Bash', { command: 'rg -l "<form" src/pages' }), tokens(31_000, 300), { ms: 240 });
  await clock.minutesAgo(122);
  const patch = ['*** Begin Patch', '*** Update File: src/pages/Settings.tsx', '*** Add File: src/components/form/Toggle.tsx', '*** End Patch'].join('\n');
  await web.tool('c1', call('apply_patch', { command: ['apply_patch', patch] }), tokens(44_000, 5_200));
  await clock.minutesAgo(114);
  await web.tool('c1', call('Bash', { command: 'npm run lint' }), tokens(47_000, 200), { ms: 5_600 });
  await web.done('c1', 'The settings page uses Form, Field and the new Toggle; lint passes.', tokens(48_000, 500));

  // Gemini CLI checks the links: a dead one fails the check, the turn fixes them.
  await clock.minutesAgo(104);
  await docs.prompt('g2', 'Check every link in the docs');
  await docs.tool('g2', call('run_shell_command', { command: 'npx markdown-link-check docs/**/*.md' }), tokens(27_000, 300), { ms: 12_000, error: 'exit code 1: 2 dead links' });
  await clock.minutesAgo(97);
  await docs.done('g2', 'Two links are dead (the old status page and the v1 changelog); both are replaced.', tokens(29_000, 800));

  // Claude Code audits billing with three subagents: two done, the third still working.
  await clock.minutesAgo(58);
  const billing = await session('claude-code', '7b3d2e10-9c4f-4a61-8d27-3f5e1a9b6c02', 'billing', 'claude-opus-4-5');
  await billing.prompt('b1', 'Audit the billing module for N+1 queries');
  const subagents = [
    { id: 'a1', type: 'Explore', description: 'Map the invoice queries' },
    { id: 'a2', type: 'Explore', description: 'Profile the monthly statement job' },
    { id: 'a3', type: 'general-purpose', description: 'Check the payment retry loop' },
  ];
  const agentCall = (i: number): ToolCall => {
    const sub = subagents[i] as (typeof subagents)[number];
    return { id: `toolu_task_${sub.id}`, name: 'Task', input: { description: sub.description, prompt: sub.description, subagent_type: sub.type } };
  };
  for (const [i, minutes] of [[0, 55], [1, 41]] as const) {
    await clock.minutesAgo(minutes);
    const sub = subagents[i] as Subagent;
    await billing.spend(tokens(52_000, 700));
    await billing.toolStart('b1', agentCall(i));
    await billing.subagentStart('b1', sub);
    await billing.tool('b1', call('Grep', { pattern: 'findMany|findOne', path: 'src' }, sub), tokens(20_000, 300), { ms: 180 });
    await clock.minutesAgo(minutes - 9);
    await billing.subagentStop('b1', sub, 'Found 3 loops that query per invoice.', tokens(24_000, 1_500));
    await billing.toolEnd('b1', agentCall(i), { ms: 9 * 60_000, response: { agentId: sub.id, content: [{ type: 'text', text: 'done' }] } });
  }

  // Codex starts the next turn; the waiting Claude Code session starts the upgrade.
  await clock.minutesAgo(30);
  await web.prompt('c2', 'Add end-to-end tests for the settings page');
  const upgrade = await session('claude-code', 'e5a8c3f1-2d7b-4c96-a0e4-8b1f6d2c9a53', 'shop-api', 'claude-sonnet-4-5');
  const waitingTitle = 'Upgrade express to v5 and fix what breaks';
  await upgrade.prompt('u1', waitingTitle);
  await upgrade.tool('u1', call('Read', { file_path: at('shop-api', 'package.json') }), tokens(38_000, 400));
  await clock.minutesAgo(26);
  await upgrade.tool('u1', call('Edit', { file_path: at('shop-api', 'package.json'), old_string: '^4.21.0', new_string: '^5.1.0' }), tokens(41_000, 600));
  await upgrade.tool('u1', call('Bash', { command: 'npm install' }), tokens(42_000, 200), { ms: 9_300 });
  await clock.minutesAgo(19);
  await web.tool('c2', call('apply_patch', { command: ['apply_patch', '*** Begin Patch\n*** Add File: e2e/settings.spec.ts\n*** End Patch'] }), tokens(52_000, 4_100));
  await upgrade.tool('u1', call('Edit', { file_path: at('shop-api', 'src/server.ts'), old_string: '…', new_string: '…' }), tokens(47_000, 2_300));
  await clock.minutesAgo(14);
  await upgrade.tool('u1', call('Edit', { file_path: at('shop-api', 'src/routes/orders.ts'), old_string: '…', new_string: '…' }), tokens(51_000, 3_100));
  await upgrade.tool('u1', call('Edit', { file_path: at('shop-api', 'test/orders.test.ts'), old_string: '…', new_string: '…' }), tokens(53_000, 1_900));
  await clock.minutesAgo(9);
  await upgrade.tool('u1', call('Bash', { command: 'npm test' }), tokens(55_000, 300), { ms: 14_200 });

  // Now: the third subagent works, Codex runs its new tests.
  await clock.minutesAgo(0);
  const third = subagents[2] as Subagent;
  await billing.toolStart('b1', agentCall(2));
  await billing.subagentStart('b1', third);
  const running = [
    { session: web, turn: 'c2', call: call('Bash', { command: 'npx playwright test e2e/settings.spec.ts' }) },
    { session: billing, turn: 'b1', call: call('Read', { file_path: at('billing', 'src/payments/retry.ts') }, third) },
  ];
  const pulse = async (): Promise<void> => {
    for (const { session: s, turn, call: current } of running) {
      const look = call('Read', { file_path: path.join(s.cwd, 'package.json') }, current.subagent);
      await s.tool(turn, look, tokens(30_000, 100), { ms: 40 });
      await s.toolStart(turn, call(current.name, current.input, current.subagent));
    }
    // The parent turn goes on beside its subagent: it reads the findings of the first two.
    await billing.tool('b1', call('Read', { file_path: at('billing', 'src/invoices.ts') }), tokens(60_000, 200), { ms: 30 });
    await billing.toolStart('b1', agentCall(2));
  };
  await pulse();

  const askPermission = async (pid: number, signal: AbortSignal): Promise<void> => {
    await upgrade.spend(tokens(57_000, 250));
    const build = call('Bash', { command: WAITING_COMMAND, description: 'Rebuild from scratch' });
    await upgrade.toolStart('u1', build);
    // Held until the run ends (the signal): the agent waits for the decision all along.
    upgrade.ask('u1', build, { pid, waitSeconds: 3600, signal }).catch(() => undefined);
  };
  return { workspace: path.join(root, 'shop-api'), waitingTitle, pulse, askPermission };
}

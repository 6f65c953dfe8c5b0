/**
 * Approvals with the real Claude Code (print mode, `--permission-mode default`, offline against the fake model): its
 * synchronous PermissionRequest hook runs the forwarder with `--approval-wait`, the daemon records the approval, and the
 * decision taken from the API or the CLI reaches the agent: allowed, the command runs; denied, it does not and the
 * model reads the reason in its next request; no decision in time, the approval expires and the command does not run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Approval, Task } from '../../../daemon/src/protocol/index.js';
import { ensureAgentClis } from '../../host/agentClis.js';
import type { TurnScript } from '../../support/fakeModel/turnScript.js';
import { pollUntil } from '../../support/poll.js';
import { runCli, cliEnv } from '../support/runCli.js';
import { makeAgentWorld, type AgentWorld } from './agentWorld.js';

/** A command Claude Code cannot tell is harmless, so it asks; its effect (a file) shows whether it ran. */
const SCRIPT: TurnScript = { command: `node -e "require('fs').writeFileSync('ran.txt', 'ran')"`, finalText: 'Done.' };
const PROMPT = 'Write the marker file.';

/** Turns approvals on as a user does: `hooks install --approvals --approval-wait N` over the hooks already in. */
async function installApprovalHook(world: AgentWorld, waitSeconds: number): Promise<void> {
  const args = ['hooks', 'install', '--agent', 'claude-code', '--approvals', '--approval-wait', String(waitSeconds), '--home', world.trackerHome];
  const install = await runCli(args, { env: cliEnv({ HOME: world.sandbox.home, CODEX_HOME: world.sandbox.codexHome }), timeoutMs: 60_000 });
  assert.equal(install.code, 0, install.stderr);
  const settings = JSON.parse(readFileSync(path.join(world.sandbox.home, '.claude', 'settings.json'), 'utf8')) as {
    hooks: Record<string, { hooks: { command: string; timeout?: number; async?: boolean }[] }[]>;
  };
  const [handler] = settings.hooks['PermissionRequest']?.flatMap((group) => group.hooks) ?? [];
  assert.ok(handler?.command.endsWith(`--approval-wait ${waitSeconds}`), JSON.stringify(handler));
  assert.equal(handler?.async, undefined, 'the permission hook runs synchronously');
}

async function pendingApproval(world: AgentWorld): Promise<Approval> {
  return pollUntil(
    'the agent’s approval',
    async () => (await world.http().ok(world.http().get<{ items: Approval[] }>('/v1/approvals?state=pending'))).items[0],
    90_000,
    100,
  );
}

async function approvals(world: AgentWorld): Promise<Approval[]> {
  return (await world.http().ok(world.http().get<{ items: Approval[] }>('/v1/approvals'))).items;
}

/** The tool results the agent sent the model: what the model read about its command. */
function toolResults(world: AgentWorld): { content: unknown; is_error?: boolean }[] {
  return world.model.requests
    .filter((r) => r.url.startsWith('/v1/messages') && !r.url.startsWith('/v1/messages/count_tokens'))
    .flatMap((r) => ((r.body as { messages?: { content: unknown }[] } | undefined)?.messages ?? []))
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as { type?: string; content: unknown; is_error?: boolean }[]) : []))
    .filter((block) => block.type === 'tool_result');
}

const marker = (world: AgentWorld) => path.join(world.sandbox.workspace, 'ran.txt');

describe('real agents: approvals decided from the tracker (Claude Code)', function () {
  this.timeout(6 * 60_000);

  before(async function () {
    this.timeout(20 * 60_000);
    await ensureAgentClis();
  });

  it('allowed from the API: the command runs, the task goes on and ends done', async () => {
    const world = await makeAgentWorld('claude-code', SCRIPT);
    try {
      await installApprovalHook(world, 120);
      const run = world.launch(PROMPT, 180_000, undefined, 'ask');
      const approval = await pendingApproval(world);
      assert.equal(approval.tool, 'Bash');
      assert.equal(approval.summary, `Bash(${SCRIPT.command})`);
      const paused = await world.http().ok(world.http().get<Task>(`/v1/tasks/${encodeURIComponent(approval.taskId ?? '')}`));
      assert.deepEqual([paused.state, paused.needsInput?.approvalId], ['paused', approval.id]);
      const decided = await world.http().post<Approval>(`/v1/approvals/${approval.id}/decision`, { decision: 'allow' });
      assert.equal(decided.status, 200, decided.text);
      const exit = await run.exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      assert.equal(existsSync(marker(world)), true, 'the command ran');
      assert.equal(readFileSync(marker(world), 'utf8'), 'ran');
      assert.ok(toolResults(world).some((r) => r.is_error !== true), 'the model got the command’s result');
      const task = await pollUntil('the turn done', async () => {
        const t = await world.http().ok(world.http().get<Task>(`/v1/tasks/${encodeURIComponent(approval.taskId ?? '')}`));
        return t.state === 'done' ? t : undefined;
      });
      assert.equal(task.needsInput, null);
      assert.deepEqual((await approvals(world)).map((a) => [a.state, a.via]), [['allowed', 'api']]);
    } finally {
      await world.close();
    }
  });

  it('denied from the CLI: the command does not run and the model reads the reason in its next request', async () => {
    const world = await makeAgentWorld('claude-code', SCRIPT);
    try {
      await installApprovalHook(world, 120);
      const run = world.launch(PROMPT, 180_000, undefined, 'ask');
      const approval = await pendingApproval(world);
      const reason = 'Do not write files in this folder; print the count instead.';
      const denied = await runCli(['deny', approval.id, '--reason', reason, '--home', world.trackerHome], { env: cliEnv() });
      assert.equal(denied.code, 0, denied.stderr);
      const exit = await run.exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      assert.equal(existsSync(marker(world)), false, 'the command did not run');
      const results = toolResults(world);
      assert.ok(
        results.some((r) => r.is_error === true && JSON.stringify(r.content).includes(reason)),
        `the model read the reason: ${JSON.stringify(results)}`,
      );
      assert.deepEqual((await approvals(world)).map((a) => [a.state, a.via, a.reason]), [['denied', 'cli', reason]]);
    } finally {
      await world.close();
    }
  });

  it('no decision in time: the approval expires and the command does not run', async () => {
    const world = await makeAgentWorld('claude-code', SCRIPT);
    try {
      await installApprovalHook(world, 5);
      const started = Date.now();
      const exit = await world.launch(PROMPT, 180_000, undefined, 'ask').exited;
      assert.equal(exit.code, 0, exit.stderr.slice(-2000));
      assert.ok(Date.now() - started >= 5000, 'the agent waited for the approval');
      assert.equal(existsSync(marker(world)), false, 'the command did not run');
      const [approval, ...others] = await approvals(world);
      assert.equal(others.length, 0);
      assert.equal(approval?.state, 'expired');
      assert.equal(approval.decidedBy, undefined, 'nobody decided: the tracker never decides by itself');
      assert.ok(toolResults(world).every((r) => r.is_error === true), 'the model was told the command did not run');
    } finally {
      await world.close();
    }
  });
});

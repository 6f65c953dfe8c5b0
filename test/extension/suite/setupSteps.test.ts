/**
 * What Connect Agents… leaves to the user stays in sight until done: Codex runs its hooks only once the user trusts
 * them (its /hooks review), so the Agents view keeps that step as its first row, remembered across windows, until the
 * agent's own settings say the hooks are trusted.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { useDaemonUnderTest } from './support/extensionUnderTest.js';
import { readTree } from './support/treeSnapshot.js';

suite('Agent setup left to the user', function () {
  this.timeout(60_000);
  const ctx = useDaemonUnderTest();

  test('Codex: the trust step stays at the top of the Agents view until the hooks are trusted', async () => {
    const userHome = mkdtempSync(path.join(tmpdir(), 'agent-tracker-user-'));
    const codexHome = path.join(userHome, '.codex');
    mkdirSync(codexHome);
    const saved = { HOME: process.env['HOME'], CODEX_HOME: process.env['CODEX_HOME'] };
    process.env['HOME'] = userHome;
    process.env['CODEX_HOME'] = codexHome;
    try {
      const after = await vscode.commands.executeCommand<{ agent: string; installed: boolean; trust?: { pending: boolean } }[]>('agentTracker.connectAgents', { agents: ['codex'] });
      assert.equal(after.find((s) => s.agent === 'codex')?.trust?.pending, true);
      const rows = await readTree(ctx.api.providers.agents, undefined, 1);
      assert.equal(rows[0]?.label, 'Codex: one step left to you');
      assert.match(rows[0]?.description ?? '', /type \/hooks, and trust the agent-tracker hooks/);
      assert.equal(rows[0]?.contextValue, 'setupStep');
      assert.deepEqual(ctx.api.setupSteps.steps.map((s) => s.agent), ['codex']);

      // Not done yet: checking again keeps it.
      await vscode.commands.executeCommand('agentTracker.checkAgentSetup');
      assert.equal((await readTree(ctx.api.providers.agents, undefined, 1))[0]?.label, 'Codex: one step left to you');

      // The user trusts every hook in Codex's /hooks review: Codex records a hash per hook in config.toml.
      const hooksFile = path.join(codexHome, 'hooks.json');
      const hooks = JSON.parse(readFileSync(hooksFile, 'utf8')) as { hooks: Record<string, { hooks: unknown[] }[]> };
      const trusted = Object.entries(hooks.hooks).flatMap(([event, groups]) => groups.flatMap((g, i) => g.hooks.map((_, j) => `${hooksFile}:${event}:${i}:${j}`)));
      writeFileSync(path.join(codexHome, 'config.toml'), trusted.map((key) => `[hooks.state.${JSON.stringify(key)}]\ntrusted_hash = "sha256:test"\n`).join('\n'));
      await vscode.commands.executeCommand('agentTracker.checkAgentSetup');
      assert.deepEqual(ctx.api.setupSteps.steps, []);
      const rowsAfter = await readTree(ctx.api.providers.agents, undefined, 1);
      assert.ok(!rowsAfter.some((r) => r.contextValue === 'setupStep'), 'the step is gone once done');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await ctx.api.setupSteps.update([]);
      rmSync(userHome, { recursive: true, force: true });
    }
  });
});

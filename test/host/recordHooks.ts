// Re-records the hook fixtures in test/fixtures/hooks/<agent>/: runs each real agent CLI (from the test host) for
// scripted turns against a fake model, with a recording hook on every event it offers, and saves what the hooks
// received. Paths of the throwaway sandbox become `/sandbox/...`; everything else is as the agent sent it.
// Run: `npm run build && node out/test/host/recordHooks.js [agent ...]`
import { existsSync, readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify, parse } from 'smol-toml';
import { ensureAgentClis } from './agentClis.js';
import { agentsPrefix, agentVersions, repoRoot } from './hostPaths.js';
import { configureAgent, launchAgent, startFakeModelFor, REAL_AGENT_KINDS, type RealAgentKind } from '../support/realAgents/agentLaunch.js';
import { makeAgentSandbox, type AgentSandbox } from '../support/realAgents/agentSandbox.js';
import { shellQuote } from '../../daemon/src/cli/hooks/shellQuote.js';
import type { SubagentScript, TurnScript } from '../support/fakeModel/turnScript.js';
import { describeError } from '../../daemon/src/protocol/index.js';

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'hooks');
const recorder = path.join(repoRoot, 'out', 'test', 'host', 'hookRecorder.js');

/** The events each agent offers to hooks (as its own version lists them). */
const hookEvents: Record<RealAgentKind, string[]> = {
  'claude-code': [
    'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest', 'PermissionDenied',
    'Notification', 'SubagentStart', 'SubagentStop', 'PreCompact', 'Stop', 'StopFailure', 'SessionEnd',
  ],
  codex: ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'SubagentStart', 'SubagentStop', 'PreCompact', 'Stop', 'SessionEnd'],
  'gemini-cli': [
    'SessionStart', 'BeforeAgent', 'BeforeModel', 'AfterModel', 'BeforeToolSelection', 'BeforeTool', 'AfterTool', 'Notification', 'PreCompress',
    'AfterAgent', 'SessionEnd',
  ],
};

export interface Scenario {
  name: string;
  description: string;
  prompt: string;
  script: TurnScript;
}

const bashTurn: Scenario = {
  name: 'bash-turn',
  description: 'one prompt (two lines), one shell call that succeeds, a final answer, session end',
  prompt: 'Count the files in this folder\nand say how many there are.',
  script: { command: 'ls -1 | wc -l', finalText: 'There are 0 files in this folder.' },
};
const failingTool: Scenario = {
  name: 'failing-tool',
  description: 'one prompt, one shell call that exits with status 3, a final answer',
  prompt: 'Run the failing check',
  script: { command: 'echo broken >&2; exit 3', finalText: 'The check failed with status 3.' },
};
const subagent: Scenario = {
  name: 'subagent',
  description: 'one prompt; the agent delegates to a subagent (tool Agent) that runs one shell call, then ends the turn',
  prompt: 'Ask a helper to print the date',
  script: {
    command: 'true',
    finalText: 'The helper printed the date.',
    subagent: { description: 'Print the date', prompt: 'Print the current date with the date command.', command: 'date -u +%F', finalText: 'Printed the date.' },
  },
};

/** Also driven end to end by the real-agents tests. */
export const nestedSubagents: Scenario = {
  name: 'nested-subagents',
  description: 'one prompt; the agent delegates to a subagent, which runs a shell call and delegates to its own subagent, which does the same once more: three subagents deep, each with its own shell call',
  prompt: 'Ask a helper to check the folder, through two more helpers',
  script: {
    command: 'true',
    finalText: 'The helpers checked the folder.',
    subagent: {
      description: 'Check the folder',
      prompt: 'Level one: list the folder, then hand the rest to a helper.',
      command: 'ls -a',
      finalText: 'Level one done.',
      subagent: {
        description: 'Check the disk',
        prompt: 'Level two: show the disk usage, then hand the rest to a helper.',
        command: 'du -s .',
        finalText: 'Level two done.',
        subagent: { description: 'Print the date', prompt: 'Level three: print the date.', command: 'date -u +%F', finalText: 'Level three done.' },
      },
    },
  },
};

/** The same subagents started in the background (also driven end to end by the real-agents tests). */
export const backgroundSubagents: Scenario = {
  ...nestedSubagents,
  name: 'background-subagents',
  description: 'nested-subagents with every subagent started in the background (run_in_background, Claude Code\'s default): each Agent call returns at once, each subagent\'s end is announced to the main agent as a new prompt',
  script: { ...nestedSubagents.script, subagent: inBackground(nestedSubagents.script.subagent) },
};

function inBackground(level: SubagentScript | undefined): SubagentScript | undefined {
  return level && { ...level, background: true, subagent: inBackground(level.subagent) };
}

const scenarios: Record<RealAgentKind, Scenario[]> = {
  'claude-code': [bashTurn, failingTool, subagent, nestedSubagents, backgroundSubagents],
  codex: [bashTurn, failingTool],
  'gemini-cli': [bashTurn, failingTool],
};

const packageOf: Record<RealAgentKind, keyof typeof agentVersions> = {
  'claude-code': '@anthropic-ai/claude-code',
  codex: '@openai/codex',
  'gemini-cli': '@google/gemini-cli',
};

interface Recorded {
  via: 'hook' | 'notify';
  observedAt: string;
  env: Record<string, string>;
  payload: Record<string, unknown>;
}

/** Writes recording hooks for every event into the agent's own config (and Codex `notify`). */
function installRecorder(kind: RealAgentKind, sandbox: AgentSandbox, outDir: string): void {
  const command = (via: string): string => [process.execPath, recorder, outDir, via].map(shellQuote).join(' ');
  const hooks = Object.fromEntries(hookEvents[kind].map((event) => [event, [{ hooks: [{ type: 'command', command: command('hook') }] }]]));
  if (kind === 'claude-code') {
    const file = path.join(sandbox.home, '.claude', 'settings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ hooks }, null, 2)}\n`);
  } else if (kind === 'codex') {
    writeFileSync(path.join(sandbox.codexHome, 'hooks.json'), `${JSON.stringify({ hooks }, null, 2)}\n`);
    const configFile = path.join(sandbox.codexHome, 'config.toml');
    const config = parse(readFileSync(configFile, 'utf8'));
    config['notify'] = [process.execPath, recorder, outDir, 'notify'];
    writeFileSync(configFile, stringify(config));
  } else {
    const file = path.join(sandbox.home, '.gemini', 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, `${JSON.stringify({ ...settings, hooks }, null, 2)}\n`);
  }
}

async function record(kind: RealAgentKind, scenario: Scenario): Promise<string> {
  const sandbox = makeAgentSandbox(`record-${kind}`);
  const model = await startFakeModelFor(kind, scenario.script);
  try {
    const outDir = path.join(sandbox.root, 'recorded');
    mkdirSync(outDir);
    configureAgent(kind, sandbox, model);
    installRecorder(kind, sandbox, outDir);
    const run = launchAgent(kind, { sandbox, model, prompt: scenario.prompt, timeoutMs: 120_000 });
    const exit = await run.exited;
    // notify runs detached from the agent: give it a moment to land.
    if (kind === 'codex') await waitFor(() => readdirSync(outDir).some((f) => readFileSync(path.join(outDir, f), 'utf8').includes('"via": "notify"')), 5000);
    const recorded = readdirSync(outDir)
      .sort((a, b) => (BigInt(a.split('-')[0] ?? '0') < BigInt(b.split('-')[0] ?? '0') ? -1 : 1))
      .map((file) => JSON.parse(readFileSync(path.join(outDir, file), 'utf8')) as Recorded);
    if (exit.code !== 0 || recorded.length === 0) {
      throw new Error(`${kind} ${scenario.name}: exit ${exit.code ?? exit.signal}, ${recorded.length} payloads\n${exit.stderr.slice(-3000)}\nmodel requests: ${model.requests.map((r) => r.url).join(', ')}`);
    }
    const target = path.join(fixturesDir, kind);
    mkdirSync(target, { recursive: true });
    const transcriptPath = recorded.map((r) => r.payload['transcript_path']).find((p): p is string => typeof p === 'string' && existsSync(p));
    let transcript: string | null = null;
    if (transcriptPath !== undefined) {
      transcript = `${scenario.name}.transcript${path.extname(transcriptPath)}`;
      writeFileSync(path.join(target, transcript), scrub(readFileSync(transcriptPath, 'utf8'), sandbox));
    }
    const fixture = {
      agent: kind,
      agentVersion: agentVersions[packageOf[kind]],
      scenario: scenario.name,
      description: scenario.description,
      prompt: scenario.prompt,
      transcript,
      events: recorded.map(({ via, observedAt, env, payload }) => ({ via, observedAt, env, payload })),
    };
    const file = path.join(target, `${scenario.name}.json`);
    writeFileSync(file, scrub(`${JSON.stringify(fixture, null, 2)}\n`, sandbox));
    return `${path.relative(repoRoot, file)}: ${recorded.length} payloads in ${exit.ms} ms`;
  } finally {
    await model.close();
    sandbox.remove();
  }
}

/**
 * Machine-specific paths become stable placeholders: the sandbox (as it is and as Claude Code encodes a project
 * folder's name) is `/sandbox`, the test host's agent install `/test-host/agents`, this checkout (where the recording
 * hook runs from, which Claude Code's transcript names) `/repo`.
 */
function scrub(text: string, sandbox: AgentSandbox): string {
  const encoded = sandbox.root.replace(/[^a-zA-Z0-9]/g, '-');
  const replacements: Array<[string, string]> = [[sandbox.root, '/sandbox'], [encoded, '-sandbox'], [agentsPrefix, '/test-host/agents'], [repoRoot, '/repo']];
  return replacements.reduce((out, [from, to]) => out.split(from).join(to), text);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

export async function recordAll(kinds: readonly RealAgentKind[]): Promise<void> {
  await ensureAgentClis();
  for (const kind of kinds) {
    for (const scenario of scenarios[kind]) console.log(await record(kind, scenario));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const asked = process.argv.slice(2) as RealAgentKind[];
  const unknown = asked.filter((kind) => !REAL_AGENT_KINDS.includes(kind));
  if (unknown.length > 0) {
    console.error(`unknown agent ${unknown.join(', ')}; one of ${REAL_AGENT_KINDS.join(', ')}`);
    process.exitCode = 2;
  } else {
    recordAll(asked.length > 0 ? asked : REAL_AGENT_KINDS).catch((error: unknown) => {
      console.error(describeError(error));
      process.exitCode = 1;
    });
  }
}

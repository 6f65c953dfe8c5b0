/**
 * Runs a real agent CLI for one headless turn against a fake model: each agent gets the settings and environment that
 * point it at the fake (and nowhere else), starts in a process group of its own with a deadline, and the whole group
 * is killed afterwards (the agents leave helpers behind otherwise).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { agentBins } from '../../host/hostPaths.js';
import { spawnGroup, stopGroup } from '../../host/processGroup.js';
import { anthropicMessages } from '../fakeModel/anthropicMessages.js';
import { startFakeModel, type FakeModel } from '../fakeModel/fakeModelServer.js';
import { geminiGenerate } from '../fakeModel/geminiGenerate.js';
import { openaiResponses } from '../fakeModel/openaiResponses.js';
import type { TurnScript } from '../fakeModel/turnScript.js';
import type { AgentSandbox } from './agentSandbox.js';

export type RealAgentKind = 'claude-code' | 'codex' | 'gemini-cli';
export const REAL_AGENT_KINDS: readonly RealAgentKind[] = ['claude-code', 'codex', 'gemini-cli'];

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface AgentRun {
  child: ChildProcess;
  pid: number;
  exited: Promise<AgentExit>;
  /** Kills the agent's whole process group (a no-op once it is gone). */
  stop(): Promise<void>;
}

/** Writes the agent's own settings that point it at the fake model (before hooks are merged in). */
export function configureAgent(kind: RealAgentKind, sandbox: AgentSandbox, model: FakeModel): void {
  if (kind === 'codex') {
    const file = path.join(sandbox.codexHome, 'config.toml');
    const config = readToml(file);
    Object.assign(config, {
      model: 'gpt-5-codex',
      model_provider: 'fake',
      model_providers: { fake: { name: 'fake', base_url: `${model.url}/v1`, wire_api: 'responses', env_key: 'FAKE_OPENAI_KEY', stream_max_retries: 0, request_max_retries: 0 } },
    });
    writeFileSync(file, stringify(config));
  } else if (kind === 'gemini-cli') {
    const file = path.join(sandbox.home, '.gemini', 'settings.json');
    const settings = readJson(file);
    Object.assign(settings, {
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      privacy: { usageStatisticsEnabled: false },
    });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  }
}

/** The environment that sends the agent to the fake model. */
export function providerEnv(kind: RealAgentKind, model: FakeModel): NodeJS.ProcessEnv {
  switch (kind) {
    case 'claude-code':
      return {
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: 'sk-ant-fake',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        // `-p` with --dangerously-skip-permissions is refused for root unless the process says it is sandboxed.
        IS_SANDBOX: '1',
      };
    case 'codex':
      return { FAKE_OPENAI_KEY: 'sk-fake', CODEX_DISABLE_UPDATE_CHECK: '1' };
    case 'gemini-cli':
      return { GOOGLE_GEMINI_BASE_URL: model.url, GEMINI_API_KEY: 'fake-key', GEMINI_CLI_TRUST_WORKSPACE: 'true' };
  }
}

export function startFakeModelFor(kind: RealAgentKind, script: TurnScript, options: { requestIds?: boolean } = {}): Promise<FakeModel> {
  const handler = kind === 'claude-code' ? anthropicMessages(script, options) : kind === 'codex' ? openaiResponses(script) : geminiGenerate(script);
  return startFakeModel(handler);
}

/**
 * `skip`: the agent runs every tool without asking (the hooks only observe). `ask` (Claude Code): its permission mode
 * stays `default`, so a command that needs permission runs its PermissionRequest hooks, which may decide.
 */
export type PermissionMode = 'skip' | 'ask';

function commandLine(kind: RealAgentKind, prompt: string, permissions: PermissionMode): { bin: string; args: string[] } {
  switch (kind) {
    case 'claude-code':
      return { bin: agentBins.claude, args: ['-p', prompt, ...(permissions === 'ask' ? ['--permission-mode', 'default'] : ['--dangerously-skip-permissions'])] };
    case 'codex':
      return {
        bin: agentBins.codex,
        args: ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--dangerously-bypass-hook-trust', prompt],
      };
    case 'gemini-cli':
      return { bin: agentBins.gemini, args: ['-p', prompt, '--approval-mode', 'yolo'] };
  }
}

export interface LaunchOptions {
  sandbox: AgentSandbox;
  model: FakeModel;
  prompt: string;
  /** Added to the sandbox's and the provider's environment. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  permissions?: PermissionMode;
}

export function launchAgent(kind: RealAgentKind, options: LaunchOptions): AgentRun {
  const { sandbox, model } = options;
  if (options.permissions === 'ask' && kind !== 'claude-code') throw new Error(`asking for permission is only driven for claude-code, not ${kind}`);
  const { bin, args } = commandLine(kind, options.prompt, options.permissions ?? 'skip');
  const started = Date.now();
  const child = spawnGroup(bin, args, {
    cwd: sandbox.workspace,
    env: { ...sandbox.env, ...providerEnv(kind, model), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${bin}`);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const stop = (): Promise<void> => stopGroup(pid, 2000);
  const timer = setTimeout(() => void stop(), options.timeoutMs ?? 90_000);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<AgentExit>((resolve) =>
    child.once('exit', (code, signal) => {
      const ms = Date.now() - started;
      clearTimeout(timer);
      // The agent is done; whatever it left in its group goes too (helpers that hold its output open included).
      void stop()
        .then(() => closed)
        .then(() => resolve({ code, signal, stdout, stderr, ms }));
    }),
  );
  return { child, pid, exited, stop };
}

function readToml(file: string): Record<string, unknown> {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

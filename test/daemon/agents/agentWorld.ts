/**
 * One real agent CLI wired to a real daemon the way a user would wire it: a sandboxed HOME, a fake model behind the
 * agent, a daemon on a tracker home inside the sandbox, and the hooks put in by `agent-tracker hooks install` into
 * the agent's user settings.
 */
import path from 'node:path';
import { configureAgent, launchAgent, startFakeModelFor, type AgentRun, type PermissionMode, type RealAgentKind } from '../../support/realAgents/agentLaunch.js';
import { makeAgentSandbox, type AgentSandbox } from '../../support/realAgents/agentSandbox.js';
import type { FakeModel } from '../../support/fakeModel/fakeModelServer.js';
import type { TurnScript } from '../../support/fakeModel/turnScript.js';
import { startDaemonProcess, stopDaemonProcess, type DaemonProcess } from '../support/daemonProcess.js';
import type { HttpClient } from '../support/http.js';
import { cliEnv, runCli } from '../support/runCli.js';

export interface AgentWorld {
  kind: RealAgentKind;
  sandbox: AgentSandbox;
  trackerHome: string;
  model: FakeModel;
  daemon: DaemonProcess | undefined;
  http(): HttpClient;
  startDaemon(): Promise<DaemonProcess>;
  stopDaemon(): Promise<void>;
  launch(prompt: string, timeoutMs?: number, env?: NodeJS.ProcessEnv, permissions?: PermissionMode): AgentRun;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Start the daemon before the agent runs (default true). */
  daemon?: boolean;
  /** Whether the fake model's answers carry the provider's request id (default true, as the real APIs do). */
  requestIds?: boolean;
}

export async function makeAgentWorld(kind: RealAgentKind, script: TurnScript, options: WorldOptions = {}): Promise<AgentWorld> {
  const sandbox = makeAgentSandbox(`e2e-${kind}`);
  const trackerHome = path.join(sandbox.root, 'tracker');
  const model = await startFakeModelFor(kind, script, { ...(options.requestIds === undefined ? {} : { requestIds: options.requestIds }) });
  const runs: AgentRun[] = [];
  configureAgent(kind, sandbox, model);
  const install = await runCli(['hooks', 'install', '--agent', kind, '--home', trackerHome, '--json'], {
    env: cliEnv({ HOME: sandbox.home, CODEX_HOME: sandbox.codexHome }),
    timeoutMs: 60_000,
  });
  if (install.code !== 0) throw new Error(`hooks install failed: ${install.stderr}`);
  const world: AgentWorld = {
    kind,
    sandbox,
    trackerHome,
    model,
    daemon: undefined,
    http() {
      if (world.daemon === undefined) throw new Error('no daemon running');
      return world.daemon.http;
    },
    async startDaemon() {
      world.daemon = await startDaemonProcess(trackerHome, { env: cliEnv(), timeoutMs: 30_000 });
      return world.daemon;
    },
    async stopDaemon() {
      if (world.daemon !== undefined) await stopDaemonProcess(world.daemon);
      world.daemon = undefined;
    },
    launch(prompt, timeoutMs = 180_000, env, permissions) {
      const run = launchAgent(kind, { sandbox, model, prompt, timeoutMs, ...(env ? { env } : {}), ...(permissions ? { permissions } : {}) });
      runs.push(run);
      return run;
    },
    async close() {
      await Promise.all(runs.map((run) => run.stop()));
      await world.stopDaemon();
      await model.close();
      sandbox.remove();
    },
  };
  if (options.daemon !== false) await world.startDaemon();
  return world;
}

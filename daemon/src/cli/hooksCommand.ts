/**
 * `agent-tracker hooks install|uninstall|status` (connect the agents on this machine) and `agent-tracker hook <kind>`
 * (what those hooks run; the installed hooks use the lean forwarder in the tracker home instead, see
 * hooks/forwarderFiles.ts).
 */
import { homedir } from 'node:os';
import { Command, Option } from 'commander';
import { resolveHome } from '../home/home.js';
import { action, intOption, output, withCommonOptions, type CommonOptions } from './context.js';
import { EXIT_OK, EXIT_REFUSED, UsageError } from './exitCodes.js';
import { runHook } from './hooks/forwarder.js';
import { installForwarder } from './hooks/forwarderFiles.js';
import {
  DEFAULT_APPROVAL_WAIT,
  HOOK_AGENTS,
  type AgentHookStatus,
  type ApprovalChoice,
  type ChangeResult,
  type HookAgent,
  type HookScope,
  type HooksContext,
} from './install/hooks/agentHooks.js';
import { INSTALLERS } from './install/hooks/installers.js';
import { describeError } from '../protocol/index.js';

interface HooksFlags extends CommonOptions {
  agent?: HookAgent | 'all';
  scope: HookScope;
  /** true: --approvals; false: --no-approvals; undefined: keep as installed. */
  approvals?: boolean;
  approvalWait?: number;
}

function contextOf(flags: HooksFlags): HooksContext {
  return { trackerHome: resolveHome(flags.home), userHome: homedir(), cwd: process.cwd(), scope: flags.scope, env: process.env, approvals: approvalChoice(flags) };
}

function approvalChoice(flags: HooksFlags): ApprovalChoice {
  if (flags.approvalWait !== undefined && flags.approvals === false) throw new UsageError('--approval-wait goes with --approvals, not --no-approvals');
  const turn = flags.approvals === true ? 'on' : flags.approvals === false ? 'off' : 'keep';
  return flags.approvalWait === undefined ? { turn } : { turn, wait: flags.approvalWait };
}

/** `--agent X`: that one; `--agent all`: every agent; none: those found on this machine (install) or all (else). */
function chosenAgents(flags: HooksFlags, ctx: HooksContext, foundOnly: boolean): HookAgent[] {
  if (flags.agent !== undefined && flags.agent !== 'all') return [flags.agent];
  if (flags.agent === 'all' || !foundOnly) return [...HOOK_AGENTS];
  return HOOK_AGENTS.filter((agent) => {
    try {
      return INSTALLERS[agent].status(ctx).foundAt !== null;
    } catch {
      // Its settings file is there but does not parse: the agent is here; install says what is wrong.
      return true;
    }
  });
}

type Failed = { agent: HookAgent; error: string };

/** Runs `work` for each agent; one agent's broken settings file does not stop the others (the exit code says it). */
function perAgent<T extends object>(agents: readonly HookAgent[], work: (agent: HookAgent) => T): Array<(T & { agent: HookAgent }) | Failed> {
  return agents.map((agent) => {
    try {
      return { agent, ...work(agent) };
    } catch (error) {
      return { agent, error: describeError(error) };
    }
  });
}

function exitCodeOf(results: ReadonlyArray<object>): number {
  return results.some((result) => 'error' in result) ? EXIT_REFUSED : EXIT_OK;
}

function failure(result: Failed): string {
  return `${INSTALLERS[result.agent].name.padEnd(12)} not changed: ${result.error}`;
}

function withHooksOptions(command: Command): Command {
  return withCommonOptions(command)
    .addOption(new Option('--agent <agent>', 'which agent (default: install for the agents found here; status and uninstall: all)').choices([...HOOK_AGENTS, 'all']))
    .addOption(new Option('--scope <scope>', "the agent's user settings or this project's").choices(['user', 'project']).default('user'));
}

function describe(status: AgentHookStatus): string {
  const found = status.foundAt === null ? 'not found' : 'found';
  const hooks = status.installed ? 'hooks installed' : status.events.length > 0 ? `hooks partly installed (${status.events.join(', ')})` : 'no hooks';
  const trust = status.trust?.pending === true ? `\n    waiting for your trust: ${status.trust.how}` : '';
  const notes = status.notes.map((note) => `\n    ${note}`).join('');
  return `${status.name.padEnd(12)} ${found.padEnd(10)} ${hooks}  ${status.config}${trust}\n    ${describeApprovals(status)}${notes}`;
}

function describeApprovals({ approvals }: AgentHookStatus): string {
  if (!approvals.possible) return `approvals: not possible (${approvals.how})`;
  if (!approvals.on) return 'approvals: possible, off (hooks install --approvals turns them on)';
  return `approvals: on, waiting up to ${approvals.wait} s (${approvals.how})`;
}

function describeChange(verb: string, name: string, result: ChangeResult): string {
  const what = result.changed ? `${verb} ${result.config}` : `unchanged ${result.config}`;
  return [`${name.padEnd(12)} ${what}`, ...result.notes.map((note) => `    ${note}`)].join('\n');
}

export function hooksCommands(): Command {
  const hooks = new Command('hooks').description("connect coding agents: add, remove or check the tracker's hooks in their settings");

  withHooksOptions(hooks.command('install').description("merge the tracker's hooks into the agents' own settings (backup first; idempotent)"))
    .option('--approvals', "also install the agent's permission hook, so approvals can be decided from VS Code, the CLI or the API")
    .option('--no-approvals', 'take the permission hook out again (hooks only observe)')
    .addOption(
      new Option('--approval-wait <seconds>', `how long the permission hook waits for a decision before the agent asks in its terminal (default ${DEFAULT_APPROVAL_WAIT})`).argParser(
        intOption(5, 3600),
      ),
    )
    .action(
    action(async (flags: HooksFlags) => {
      const ctx = contextOf(flags);
      const forwarder = installForwarder(ctx.trackerHome);
      const agents = chosenAgents(flags, ctx, true);
      const results = perAgent(agents, (agent) => INSTALLERS[agent].install(ctx));
      output(flags, { forwarder, agents: results }, () =>
        results.length === 0
          ? 'No agent found on this machine; name one with --agent (claude-code, codex, gemini-cli, cursor, copilot-cli, cline).'
          : results.map((result) => ('error' in result ? failure(result) : describeChange('updated', INSTALLERS[result.agent].name, result))).join('\n'),
      );
      return exitCodeOf(results);
    }),
  );

  withHooksOptions(hooks.command('uninstall').description("remove exactly the tracker's hooks from the agents' settings")).action(
    action(async (flags: HooksFlags) => {
      const ctx = contextOf(flags);
      const results = perAgent(chosenAgents(flags, ctx, false), (agent) => INSTALLERS[agent].uninstall(ctx));
      output(flags, { agents: results }, () =>
        results.map((result) => ('error' in result ? failure(result) : describeChange('removed from', INSTALLERS[result.agent].name, result))).join('\n'),
      );
      return exitCodeOf(results);
    }),
  );

  withHooksOptions(hooks.command('status').description('per agent: found on this machine, hooks in or not, trust still needed')).action(
    action(async (flags: HooksFlags) => {
      const ctx = contextOf(flags);
      const statuses = perAgent(chosenAgents(flags, ctx, false), (agent) => INSTALLERS[agent].status(ctx));
      output(flags, { agents: statuses }, () => statuses.map((status) => ('error' in status ? failure(status) : describe(status))).join('\n'));
      return exitCodeOf(statuses);
    }),
  );
  return hooks;
}

export function hookCommand(): Command {
  return new Command('hook')
    .description('forward one hook payload of an agent to the daemon (what installed hooks run; not for people)')
    .argument('<kind>', 'the agent: claude-code, codex, gemini-cli, cursor, copilot-cli, cline, ...')
    .argument('[payload...]', 'the payload, when the agent passes it as an argument (Codex notify); else stdin')
    .option('--approval-wait <seconds>', 'the daemon may hold the hook this long for a decision (synchronous permission hooks)')
    .allowUnknownOption()
    .action((kind: string, payload: string[], flags: { approvalWait?: string }) => {
      // Exits by itself (0, within its deadline), as the installed forwarder does.
      runHook(kind, [...(flags.approvalWait === undefined ? [] : ['--approval-wait', flags.approvalWait]), ...payload]);
      return new Promise<never>(() => {});
    });
}

/** `agent-tracker agent list|reset` and `agent-tracker next`. */
import { Command, Option } from 'commander';
import { RESET_TARGETS, type ResetTarget } from '../protocol/index.js';
import { action, connect, intOption, output, withCommonOptions, type CommonOptions } from './context.js';
import { renderAgentTable, renderTask, taskState } from './taskFormat.js';

export function agentCommands(): Command {
  const agent = new Command('agent').description('inspect and reset agents');

  withCommonOptions(agent.command('list').description('list agents and their status')).action(
    action(async (options: CommonOptions) => {
      const client = await connect(options);
      const agents = await client.listAgents();
      output(options, agents, () => renderAgentTable(agents.items));
    }),
  );

  withCommonOptions(agent.command('reset <id>').description("reset an agent's assigned and active tasks"))
    .addOption(new Option('--to <state>', 'where its tasks go').choices(RESET_TARGETS).makeOptionMandatory())
    .requiredOption('--reason <text>', 'why (recorded in the event log)')
    .action(
      action(async (id: string, options: CommonOptions & { to: ResetTarget; reason: string }) => {
        const client = await connect(options);
        const result = await client.resetAgent(id, { to: options.to, reason: options.reason });
        output(options, result, () => {
          const moved = result.tasks.map((t) => `  ${t.id}: ${taskState(t)}`).join('\n');
          return `reset ${result.agent.id}: ${result.tasks.length} task(s) -> ${options.to}${moved ? `\n${moved}` : ''}`;
        });
      }),
    );

  return agent;
}

export function nextCommand(): Command {
  return withCommonOptions(new Command('next').description("the agent's next task: highest priority, ready, matching"))
    .requiredOption('--agent <agentId>', 'the agent asking')
    .option('--claim', 'claim it (take a lease) rather than only look')
    .option('--lease-ms <ms>', 'lease duration when claiming', intOption(1000, 86_400_000))
    .action(
      action(async (options: CommonOptions & { agent: string; claim?: boolean; leaseMs?: number }) => {
        const client = await connect(options);
        const next = await client.next(options.agent, { claim: options.claim, leaseMs: options.leaseMs });
        output(options, next, () => {
          if (!next) return `nothing to do for ${options.agent}`;
          const lease = next.leaseToken ? `\nlease token: ${next.leaseToken}` : '';
          return `${renderTask(next.task)}${lease}`;
        });
      }),
    );
}

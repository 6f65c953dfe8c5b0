/** `agent-tracker approvals`, `approve ID`, `deny ID [--reason R]`: deciding what agents wait for, from a terminal. */
import { Command } from 'commander';
import type { TrackerClient } from '../client/index.js';
import type { Approval } from '../protocol/index.js';
import { action, connect, output, withCommonOptions, type CommonOptions } from './context.js';
import { UsageError } from './exitCodes.js';
import { ago, renderTable, truncate } from './table.js';

export function approvalCommands(): Command[] {
  const list = withCommonOptions(new Command('approvals').description('what agents wait for you to allow or deny'))
    .option('--all', 'every approval, decided and expired ones too (newest first)')
    .action(
      action(async (options: CommonOptions & { all?: boolean }) => {
        const client = await connect(options);
        const approvals = await client.listApprovals(options.all ? undefined : 'pending');
        output(options, approvals, () => renderApprovals(approvals.items, options.all === true));
      }),
    );

  const approve = withCommonOptions(new Command('approve').argument('<id>', 'the approval').description('let the agent go ahead'))
    .option('--reason <text>', 'why (recorded)')
    .option('--answer <text>', "a question's answer (repeat for each question, in order)", collect, [] as string[])
    .action(
      action(async (id: string, options: CommonOptions & { reason?: string; answer: string[] }) => {
        const client = await connect(options);
        const answers = options.answer.length > 0 ? await answersFor(client, id, options.answer) : undefined;
        const body = { decision: 'allow' as const, via: 'cli', ...(options.reason ? { reason: options.reason } : {}), ...(answers ? { answers } : {}) };
        const approval = await client.decideApproval(id, body);
        output(options, approval, () => `allowed: ${describe(approval)}`);
      }),
    );

  const deny = withCommonOptions(new Command('deny').argument('<id>', 'the approval').description('stop the agent; it reads the reason'))
    .option('--reason <text>', 'what the agent is told (default: that you denied it)')
    .action(
      action(async (id: string, options: CommonOptions & { reason?: string }) => {
        const client = await connect(options);
        const approval = await client.decideApproval(id, { decision: 'deny', via: 'cli', ...(options.reason ? { reason: options.reason } : {}) });
        output(options, approval, () => `denied: ${describe(approval)}${approval.reason ? ` (${approval.reason})` : ''}`);
      }),
    );

  return [list, approve, deny];
}

function renderApprovals(items: readonly Approval[], all: boolean): string {
  if (items.length === 0) return all ? 'no approvals yet' : 'nothing waits for your decision';
  const rows = items.map((a) => [a.id, all ? a.state : `expires ${until(a.expiresAt)}`, a.agentId, ago(a.requestedAt), truncate(ask(a), 80)]);
  const hint = all ? '' : '\n\nagent-tracker approve ID  |  agent-tracker deny ID --reason "..."';
  return `${renderTable(['ID', all ? 'STATE' : 'WAITS', 'AGENT', 'ASKED', 'WHAT'], rows)}${hint}`;
}

/** `wants to run Bash(rm -rf build)` / `asks: Which database? (PostgreSQL / SQLite)` */
function ask(approval: Approval): string {
  if (approval.kind === 'question') {
    const questions = approval.questions ?? [];
    const options = questions.length === 1 ? ` (${(questions[0]?.options ?? []).map((o) => o.label).join(' / ')})` : '';
    return `asks: ${approval.summary}${options}`;
  }
  return `wants to run ${approval.summary}`;
}

function describe(approval: Approval): string {
  return `${approval.agentId} ${ask(approval)}`;
}

function until(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(s) || s <= 0) return 'now';
  return s < 120 ? `in ${s}s` : `in ${Math.round(s / 60)}m`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The answers keyed by the questions they answer, in the order the agent asked them. */
async function answersFor(client: TrackerClient, id: string, given: readonly string[]): Promise<Record<string, string>> {
  const approval = (await client.listApprovals()).items.find((a) => a.id === id);
  const questions = approval?.questions ?? [];
  if (!approval || approval.kind !== 'question') throw new UsageError(`--answer is for questions; ${id} is ${approval ? 'a permission' : 'not an approval'}`);
  if (given.length !== questions.length) throw new UsageError(`${id} asks ${questions.length} question(s): give one --answer for each`);
  return Object.fromEntries(questions.map((q, i) => [q.question, given[i] as string]));
}

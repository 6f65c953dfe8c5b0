/**
 * What agents ask the user to decide, on the board: each pending approval with its summary, agent, task and deadline,
 * and Allow / Deny (a denial may carry a reason, which the agent's model reads); a question's options are buttons that
 * answer it. Read from `GET /v1/approvals?state=pending` whenever an approval event arrives.
 */
import type { Approval, ApprovalAnswers } from '#protocol';
import { formatDuration } from '../extension/src/model/format.js';
import { oneLine } from '../extension/src/model/plainWords.js';
import { plainText } from '../extension/src/model/plainText.js';
import { boardApi } from './boardApi.js';
import { el } from '../extension/webview/dom.js';
import { describeError } from '#protocol';

export interface ApprovalSources {
  agentName(id: string): string;
  taskTitle(id: string): string | undefined;
}

export class PendingApprovals {
  private items: Approval[] = [];
  private loading: Promise<void> | undefined;
  private again = false;
  /** Decisions on their way: their buttons stay disabled. */
  private readonly deciding = new Set<string>();

  constructor(private readonly changed: () => void) {}

  get all(): readonly Approval[] {
    return this.items;
  }

  forTask(taskId: string): Approval[] {
    return this.items.filter((a) => a.taskId === taskId);
  }

  /** Reads the pending list again (one read at a time; a request meanwhile makes one more). */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = (async () => {
      try {
        this.items = await boardApi.pendingApprovals();
      } catch {
        // Shown as it was; the next event reads again.
      }
    })().finally(() => {
      this.loading = undefined;
      this.changed();
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
  }

  /** One approval as a card with its buttons. */
  card(approval: Approval, src: ApprovalSources, now: number): HTMLElement {
    const busy = this.deciding.has(approval.id);
    const button = (label: string, className: string, run: () => Promise<void>): HTMLElement => {
      const b = el('button', { type: 'button', class: className }, [label]);
      if (busy) b.setAttribute('disabled', '');
      b.addEventListener('click', () => void this.decide(approval.id, run));
      return b;
    };
    const actions: HTMLElement[] = [];
    const question = approval.kind === 'question' && approval.questions?.length === 1 ? approval.questions[0] : undefined;
    if (question) {
      for (const option of question.options) {
        const answers: ApprovalAnswers = { [question.question]: option.label };
        actions.push(button(oneLine(option.label, 60), 'primary', async () => void (await boardApi.decide(approval.id, 'allow', { answers }))));
      }
    } else {
      actions.push(button('Allow', 'primary b-allow', async () => void (await boardApi.decide(approval.id, 'allow'))));
    }
    actions.push(
      button('Deny', 'b-deny', async () => {
        const reason = window.prompt('Deny: a reason for the agent (optional)') ?? undefined;
        if (reason === undefined && !window.confirm('Deny without a reason?')) return;
        await boardApi.decide(approval.id, 'deny', reason ? { reason } : {});
      }),
    );
    const title = approval.taskId ? src.taskTitle(approval.taskId) : undefined;
    const left = Date.parse(approval.expiresAt) - now;
    const facts = [plainText(src.agentName(approval.agentId)), title ? `"${oneLine(title, 80)}"` : '', left > 0 ? `${formatDuration(left)} left` : 'expiring'];
    return el('li', { class: 'b-approval', 'data-approval': approval.id }, [
      el('div', { class: 'b-title' }, [question ? oneLine(question.question, 300) : oneLine(approval.summary, 300)]),
      el('div', { class: 'b-desc' }, [facts.filter(Boolean).join(' · ')]),
      el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Decision' }, actions),
    ]);
  }

  private async decide(id: string, run: () => Promise<void>): Promise<void> {
    this.deciding.add(id);
    this.changed();
    try {
      await run();
    } catch (error) {
      // 409: decided elsewhere first, or expired; the list tells.
      window.alert(describeError(error));
    } finally {
      this.deciding.delete(id);
      this.refresh();
    }
  }
}

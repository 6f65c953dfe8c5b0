/**
 * Turns a command's output into a few `task.log` events: lines are collected and sent at most once per interval, only
 * the last ones when there are many, so a chatty command cannot flood the event log or slow itself down.
 */
import { bestEffort } from '../../protocol/index.js';

export interface OutputTailOptions {
  /** At most one message per interval. */
  intervalMs: number;
  /** Lines kept per message (the newest). */
  maxLines: number;
  /** Characters per message. */
  maxChars: number;
}

export const DEFAULT_OUTPUT_TAIL: OutputTailOptions = { intervalMs: 500, maxLines: 20, maxChars: 4000 };

// Colour and cursor escapes make no sense in a log viewer.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

export class OutputTail {
  private readonly partial = new Map<string, string>();
  private pending: string[] = [];
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (message: string) => Promise<void>,
    private readonly options: OutputTailOptions = DEFAULT_OUTPUT_TAIL,
  ) {}

  /** Output of one stream (`stdout`, `stderr`); a line is taken once its newline arrives. */
  push(stream: string, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const lines = text.split('\n');
    this.partial.set(stream, lines.pop() ?? '');
    for (const line of lines) this.add(line);
    if (this.pending.length && !this.timer) {
      this.timer = setTimeout(() => this.sendPending(), this.options.intervalMs);
    }
  }

  /** Sends what is left, including unfinished lines; call once the command has ended. */
  async flush(): Promise<void> {
    for (const rest of this.partial.values()) this.add(rest);
    this.partial.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.sendPending();
    await this.inFlight;
  }

  private add(raw: string): void {
    // A carriage return redraws the line (progress bars): only its last state matters.
    const line = (raw.split('\r').pop() ?? '').replace(ANSI, '').trimEnd();
    if (!line) return;
    this.pending.push(line);
    if (this.pending.length > this.options.maxLines) {
      this.skipped += this.pending.length - this.options.maxLines;
      this.pending = this.pending.slice(-this.options.maxLines);
    }
  }

  private sendPending(): void {
    this.timer = undefined;
    if (!this.pending.length) return;
    const head = this.skipped ? [`… ${this.skipped} line(s) not sent`] : [];
    let message = [...head, ...this.pending].join('\n');
    if (message.length > this.options.maxChars) message = `…${message.slice(-(this.options.maxChars - 1))}`;
    this.pending = [];
    this.skipped = 0;
    // One message at a time, in order; a failed send only costs that message.
    this.inFlight = bestEffort(this.inFlight.then(() => this.send(message)));
  }
}

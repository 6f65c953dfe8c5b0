/**
 * Shows the daemon's log file (its stderr, `<home>/daemon.log`) in an output channel, following it as it grows. The
 * lines are shown as the daemon wrote them, with its own timestamps (a LogOutputChannel would replace them with the
 * time they were read); the `log` language colours levels and times.
 */
import { open, stat } from 'node:fs/promises';
import { unwatchFile, watchFile } from 'node:fs';
import * as vscode from 'vscode';
import { homePaths } from '#client';
import { Disposable, toDisposable } from '../common/lifecycle.js';
import { orUndefined } from '../model/protocol.js';

/** Only the end of a long log is worth loading into the channel. */
const INITIAL_TAIL_BYTES = 256 * 1024;

export class DaemonLogChannel extends Disposable {
  private readonly channel = this.register(vscode.window.createOutputChannel('Agent Tracker Daemon', 'log'));
  private followed: string | undefined;
  private offset = 0;
  private partial = '';
  private reading = Promise.resolve();

  /** Shows the channel and starts (or keeps) following the log of `home`. */
  async show(home: string): Promise<void> {
    const file = homePaths(home).log;
    if (this.followed !== file) await this.follow(file);
    this.channel.show(true);
  }

  private async follow(file: string): Promise<void> {
    if (this.followed) unwatchFile(this.followed);
    this.followed = file;
    this.partial = '';
    const size = await stat(file).then((s) => s.size, () => undefined);
    this.offset = Math.max(0, (size ?? 0) - INITIAL_TAIL_BYTES);
    this.channel.appendLine(`[following ${file}]`);
    if (size === undefined) {
      // Only a daemon this extension starts writes there; one started in a terminal logs to that terminal.
      this.channel.appendLine(`[${file} does not exist yet: it is written by a daemon started from VS Code (Start Daemon).]`);
    }
    await this.readNew(file);
    watchFile(file, { interval: 1000 }, () => {
      this.reading = this.reading.then(() => this.readNew(file));
    });
    this.register(toDisposable(() => unwatchFile(file)));
  }

  private async readNew(file: string): Promise<void> {
    if (file !== this.followed) return;
    const handle = await orUndefined(open(file, 'r'));
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.offset = 0; // truncated or replaced: read it from the start
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const lines = (this.partial + buffer.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line) this.channel.appendLine(line);
    } finally {
      await handle.close();
    }
  }
}

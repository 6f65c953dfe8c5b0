/**
 * The tasks this window just acted on (retry, cancel, reset): what follows from them is the user's own doing, so it
 * raises no notification. Marked before the request is sent, since its event may arrive before the response does.
 * The daemon's `actor` cannot tell: scripts and agents that report over HTTP without an agent id are `user` as well.
 */
const WINDOW_MS = 15_000;

export class OwnActions {
  private readonly marks = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  mark(taskIds: Iterable<string>): void {
    const at = this.now();
    for (const id of taskIds) this.marks.set(id, at);
    for (const [id, when] of this.marks) if (at - when > WINDOW_MS) this.marks.delete(id);
  }

  isOwn(taskId: string): boolean {
    const when = this.marks.get(taskId);
    return when !== undefined && this.now() - when <= WINDOW_MS;
  }
}

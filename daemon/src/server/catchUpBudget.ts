/**
 * The bytes of catch-up frames the daemon holds for all stream clients together: a chunk counts from the moment its
 * step is admitted (before it is read) until the kernel has taken its last frame. Steps are admitted first come, first
 * served, so with many clients catching up at once the work and the memory of catch-up are bounded by this budget, not
 * by the number of clients, and every client gets its turn.
 */
export class CatchUpBudget {
  private used = 0;
  private peakUsed = 0;
  private readonly queue: { bytes: number; admit: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Bytes held now. */
  get held(): number {
    return this.used;
  }

  /** The most bytes held at once since the daemon started. */
  get peak(): number {
    return this.peakUsed;
  }

  /** Steps waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves once `bytes` fit within the budget, after every step that asked before. A chunk larger than the whole
   * budget is admitted alone, when nothing else is held, so that it cannot wait forever.
   */
  acquire(bytes: number): Promise<void> {
    if (this.queue.length === 0 && this.fits(bytes)) {
      this.take(bytes);
      return Promise.resolve();
    }
    return new Promise((admit) => this.queue.push({ bytes, admit }));
  }

  /**
   * Changes what a step holds once it knows its chunk's real size: less than it asked for (the end of the feed) gives
   * the rest back; more (one event larger than a chunk) is held over the budget, for that step only.
   */
  resize(from: number, to: number): void {
    this.used += to - from;
    this.peakUsed = Math.max(this.peakUsed, this.used);
    if (to < from) this.admitWaiting();
  }

  release(bytes: number): void {
    this.used -= bytes;
    this.admitWaiting();
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.capacity;
  }

  private take(bytes: number): void {
    this.used += bytes;
    this.peakUsed = Math.max(this.peakUsed, this.used);
  }

  private admitWaiting(): void {
    for (let next = this.queue[0]; next && this.fits(next.bytes); next = this.queue[0]) {
      this.queue.shift();
      this.take(next.bytes);
      next.admit();
    }
  }
}

/**
 * The registry's tasks by id, with the two orders the queries need: creation order (the stable ranks behind cursor
 * pagination and oldest-first claims) and, for each state, the tasks in it. One hash table holds a slot per task, and
 * the slot carries its rank and its place in the list of its state. Bulk creation pays one insert into a table of
 * every task instead of three (tasks, ranks, the state's set): at a million tasks, an insert into such a table cost
 * about 0.7 µs on the 2-core machine of the README's benchmarks, and the three about a tenth of a create.
 */
import type { Task, TaskState } from '../protocol/index.js';

interface Slot {
  task: Task;
  /** Creation rank: assigned once, never reused, so a cursor naming it stays valid when earlier tasks go. */
  readonly rank: number;
  /** The neighbours in its state's list, which keeps the order in which the tasks entered the state. */
  prev: Slot | undefined;
  next: Slot | undefined;
}

interface StateList {
  head: Slot | undefined;
  tail: Slot | undefined;
  size: number;
}

export class TaskTable {
  private readonly slots = new Map<string, Slot>();
  private readonly lists = new Map<TaskState, StateList>();
  private nextRank = 0;
  /** Counts changes to the state lists, so that an iteration they would derail fails instead of going astray. */
  private changes = 0;

  get size(): number {
    return this.slots.size;
  }

  get(id: string): Task | undefined {
    return this.slots.get(id)?.task;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Every task, in creation order. */
  *values(): Generator<Task> {
    for (const slot of this.slots.values()) yield slot.task;
  }

  /** Every task, in creation order, as an array: a loop fills it several times faster than spreading `values()`. */
  list(): Task[] {
    const tasks = new Array<Task>(this.slots.size);
    let i = 0;
    for (const slot of this.slots.values()) tasks[i++] = slot.task;
    return tasks;
  }

  /** Every task with its rank, in creation order. */
  ranked(): IterableIterator<{ readonly task: Task; readonly rank: number }> {
    return this.slots.values();
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The task's creation rank: later tasks have higher ones. */
  rank(id: string): number | undefined {
    return this.slots.get(id)?.rank;
  }

  /**
   * Stores a new task, or a new value of a stored one (a new id gets the next rank). `before` is the value stored now,
   * which the caller has just looked up: a new task then costs no second lookup.
   */
  set(task: Task, before: Task | undefined): void {
    const slot = before === undefined ? undefined : this.slots.get(task.id);
    if (!slot) {
      const added: Slot = { task, rank: this.nextRank++, prev: undefined, next: undefined };
      this.slots.set(task.id, added);
      this.link(added);
      return;
    }
    const was = slot.task.state;
    slot.task = task;
    if (task.state !== was) {
      this.unlink(slot, was);
      this.link(slot);
    }
  }

  delete(id: string): boolean {
    const slot = this.slots.get(id);
    if (!slot) return false;
    this.unlink(slot, slot.task.state);
    return this.slots.delete(id);
  }

  /**
   * The tasks in any of the given states, each state in the order its tasks entered it, without visiting the rest of a
   * large registry. The lists must not change while this runs: collect first, then commit.
   */
  *inStates(states: readonly TaskState[]): Generator<Task> {
    const changes = this.changes;
    for (const state of states) {
      for (let slot = this.lists.get(state)?.head; slot; slot = slot.next) {
        yield slot.task;
        if (this.changes !== changes) throw new Error('the tasks changed state while being listed by state');
      }
    }
  }

  /** How many tasks are in a state, without visiting them. */
  countIn(state: TaskState): number {
    return this.lists.get(state)?.size ?? 0;
  }

  /** Appends the slot to the list of its task's state. */
  private link(slot: Slot): void {
    this.changes++;
    const state = slot.task.state;
    let list = this.lists.get(state);
    if (!list) this.lists.set(state, (list = { head: undefined, tail: undefined, size: 0 }));
    slot.prev = list.tail;
    slot.next = undefined;
    if (list.tail) list.tail.next = slot;
    else list.head = slot;
    list.tail = slot;
    list.size++;
  }

  private unlink(slot: Slot, state: TaskState): void {
    this.changes++;
    const list = this.lists.get(state) as StateList;
    if (slot.prev) slot.prev.next = slot.next;
    else list.head = slot.next;
    if (slot.next) slot.next.prev = slot.prev;
    else list.tail = slot.prev;
    slot.prev = undefined;
    slot.next = undefined;
    list.size--;
  }
}

/** Who asks, and the idempotency key their request carries. */
export interface RequestContext {
  actor: string;
  idempotency?: { key: string; hash: string };
  /** The caller ignores the outcome's body (batch and inbox commands): it is not built unless a record needs it. */
  discardBody?: boolean;
  /**
   * The caller answers the agent with the outcome while the agent waits (the hook route): a hook payload may then be
   * refused (a prompt over budget). A payload from the inbox or a batch was never waited on, and is applied as it ran.
   */
  replyToAgent?: boolean;
}

export function agentActor(agentId: string): string {
  return `agent:${agentId}`;
}

/** A command's answer: its HTTP status and body, and a promise that resolves once it is durable. */
export interface Outcome<T> {
  status: number;
  body: T;
  durable: Promise<void>;
}

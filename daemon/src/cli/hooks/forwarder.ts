/**
 * The hook forwarder: what every installed agent hook runs (`agent-tracker hook <kind>` is the same). It hands one raw
 * payload to the daemon, `POST /v1/hooks/<kind>` with the agent's pid, its tmux pane and server when it runs in tmux,
 * and the time it saw the event, or appends it to `<home>/inbox/hooks.jsonl` when no daemon answers. It always exits
 * 0, within a hard deadline, and prints nothing an agent could read as instructions (agents wait for it, some show its
 * output or feed it to the model) except the daemon's `output` for the hook (an approval's decision, a refused
 * prompt), in the agent's own format.
 *
 * `agent-tracker-hook <kind> [--approval-wait SECONDS] [payload]`: with `--approval-wait N` the daemon may hold the
 * request up to N seconds (header `X-Agent-Tracker-Wait`) while a person decides; the deadline grows to match.
 *
 * Lean on purpose: it is bundled on its own (node builtins only, no CLI framework) and kept in the tracker home, so
 * starting it costs little more than starting the runtime.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { homePaths, resolveHome, type DaemonInfo } from '../../home/home.js';
import { MAX_BODY_BYTES } from '../../protocol/limits.js';
import { tmuxLocationOf, type TmuxLocation } from '../../protocol/tmux.js';
import { appendRegularFileSync, readRegularFileSync } from '../../common/regularFile.js';
import { agentProcessId } from './agentPid.js';
import { fitPayload, type FittedPayload } from './payloadFit.js';
import { readPayload } from './payloadInput.js';
import { orUndefined } from '../../protocol/promises.js';

/** The most of a payload read from the agent; beyond it the event is recorded with `truncated: true`. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** What is sent (one request body, one inbox line): the daemon's body limit, less room for the inbox line's fields. */
const SENT_BYTES = MAX_BODY_BYTES - 4096;
/** How long the agent has to finish writing the payload, from the forwarder's start. */
export const READ_DEADLINE_MS = 3000;
/** How long the daemon has to answer (the whole answer, not just its first byte) before the payload is spooled. */
export const POST_TIMEOUT_MS = 1500;
/** With `--approval-wait N`, the daemon holds the request up to N s; the forwarder waits this much longer. */
const APPROVAL_WAIT_SLACK_MS = 5000;
const MAX_APPROVAL_WAIT_S = 24 * 60 * 60;
/** Time for spooling and printing after the last step's deadline; then the process exits whatever it is doing. */
const EXIT_SLACK_MS = 1000;
/** The largest answer read from the daemon. */
const MAX_ANSWER_BYTES = MAX_BODY_BYTES;

/** Agents that parse a hook's stdout as JSON get an empty object by default; the others get nothing at all. */
const WANTS_JSON = new Set(['cursor', 'cline']);

export interface HookArgs {
  /** Seconds the daemon may hold the request for a decision (`--approval-wait`). */
  approvalWait: number | undefined;
  /** The payload when the agent passes it as the last argument (Codex `notify`). */
  payloadArg: string | undefined;
}

interface Delivery {
  kind: string;
  payload: FittedPayload;
  pid: number | undefined;
  /** The tmux pane the agent runs in (its environment is ours: hooks inherit it). */
  tmux: TmuxLocation | undefined;
  at: string;
  parentTaskId: string | undefined;
  waitSeconds: number | undefined;
}

/** Reads `--approval-wait N` (anywhere before the payload) and the payload argument. */
export function parseHookArgs(args: readonly string[]): HookArgs {
  let approvalWait: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline = /^--approval-wait=(.*)$/.exec(arg);
    if (arg === '--approval-wait' || inline) {
      const seconds = Number(inline ? inline[1] : args[++i]);
      if (Number.isFinite(seconds) && seconds >= 0) approvalWait = Math.min(Math.floor(seconds), MAX_APPROVAL_WAIT_S);
      continue;
    }
    rest.push(arg);
  }
  const last = rest.at(-1);
  return { approvalWait, payloadArg: last !== undefined && last.trimStart().startsWith('{') ? last : undefined };
}

/** The forwarder's whole run: forwards, prints what the agent should read, exits 0 by the deadline at the latest. */
export function runHook(kind: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const started = Date.now();
  const parsed = parseHookArgs(args);
  const wantsJson = WANTS_JSON.has(kind);
  let printed = false;
  const finish = (output: string | undefined): void => {
    if (printed) return;
    printed = true;
    const text = output ?? (wantsJson ? '{}\n' : '');
    const exit = (): never => process.exit(0);
    if (text === '') exit();
    // An agent that closed our stdout has stopped listening: that is no failure of the hook. (process.stdout is made
    // only here: creating the stream costs a hook that prints nothing part of its start.)
    process.stdout.on('error', exit);
    process.stdout.write(text, exit);
  };
  // Whatever hangs (a pipe nobody writes to, a daemon that trickles, a spool that is not a file, a stdout nobody
  // reads): the agent goes on. The timer is unref'd: it never keeps a finished run alive.
  const hardDeadline = hookDeadlineMs(parsed.approvalWait);
  setTimeout(() => (printed ? process.exit(0) : finish(undefined)), hardDeadline - (Date.now() - started)).unref();
  forwardHook(kind, parsed, env, process.stdin, started).then(finish, () => finish(undefined));
}

/** The hard deadline of one run: reading, then the daemon's answer (an approval's wait included), then the rest. */
export function hookDeadlineMs(approvalWait: number | undefined): number {
  const answer = approvalWait === undefined ? POST_TIMEOUT_MS : approvalWait * 1000 + APPROVAL_WAIT_SLACK_MS;
  return READ_DEADLINE_MS + answer + EXIT_SLACK_MS;
}

/**
 * Reads the payload, hands it to the daemon or the spool; resolves to what the agent should read on stdout (the
 * daemon's `output`), undefined for the default.
 */
export async function forwardHook(kind: string, args: HookArgs, env: NodeJS.ProcessEnv, stdin: Readable, started = Date.now()): Promise<string | undefined> {
  const at = new Date(started).toISOString();
  const safeKind = /^[a-z0-9][a-z0-9-]{0,63}$/.test(kind) ? kind : 'unknown';
  const payload = await readFitted(args, stdin, started + READ_DEADLINE_MS);
  // Nothing came before the deadline: there is no event to record (and `{}` would be a wrong one).
  if (payload === undefined) return undefined;
  const delivery: Delivery = {
    kind: safeKind,
    payload,
    pid: agentProcessId(env),
    tmux: tmuxLocationOf(env),
    at,
    parentTaskId: env['AGENT_TRACKER_TASK_ID'] || undefined,
    waitSeconds: args.approvalWait,
  };
  const home = resolveHome(undefined, env);
  const answer = await orUndefined(post(home, delivery));
  if (answer === undefined) {
    try {
      spool(home, delivery);
    } catch {
      // An unwritable home: the payload is lost, the agent is not held.
    }
    return undefined;
  }
  return answer.output === undefined ? undefined : `${JSON.stringify(answer.output)}\n`;
}

async function readFitted(args: HookArgs, stdin: Readable, deadlineAt: number): Promise<FittedPayload | undefined> {
  if (args.payloadArg !== undefined) return fitPayload(args.payloadArg, false, SENT_BYTES);
  const input = await readPayload(stdin, MAX_PAYLOAD_BYTES, deadlineAt);
  if (input.bytes.length === 0 && !input.ended) return undefined;
  const cut = input.overflowed || !input.ended;
  return fitPayload(input.bytes.toString('utf8'), cut, SENT_BYTES, input.parsed);
}

interface Answer {
  output?: Record<string, unknown>;
}

/** The daemon's answer when it took the payload (any answer but a server error: a refused payload is its to count). */
async function post(home: string, delivery: Delivery): Promise<Answer | undefined> {
  const paths = homePaths(home);
  const infoText = readRegularFileSync(paths.daemonInfo, 64 * 1024);
  const token = readRegularFileSync(paths.token, 4096)?.trim();
  if (infoText === undefined || !token) return undefined;
  const info = JSON.parse(infoText) as DaemonInfo;
  const url = new URL(`/v1/hooks/${delivery.kind}`, info.url);
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'x-observed-at': delivery.at,
  };
  if (delivery.pid !== undefined) headers['x-agent-pid'] = String(delivery.pid);
  if (delivery.tmux !== undefined) headers['x-agent-tmux-pane'] = delivery.tmux.tmuxPane;
  if (delivery.tmux?.tmuxSocket !== undefined) headers['x-agent-tmux-socket'] = delivery.tmux.tmuxSocket;
  if (delivery.parentTaskId !== undefined) headers['x-parent-task-id'] = delivery.parentTaskId;
  if (delivery.waitSeconds !== undefined) headers['x-agent-tracker-wait'] = String(delivery.waitSeconds);
  const timeoutMs = delivery.waitSeconds === undefined ? POST_TIMEOUT_MS : delivery.waitSeconds * 1000 + APPROVAL_WAIT_SLACK_MS;
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers });
    // A total deadline, not an idle one: a daemon trickling its answer byte by byte must not hold the agent.
    const timer = setTimeout(() => {
      req.destroy();
      resolve(undefined);
    }, timeoutMs);
    const done = (answer: Answer | undefined): void => {
      clearTimeout(timer);
      resolve(answer);
    };
    req.on('response', (res) => {
      const taken = (res.statusCode ?? 500) < 500;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on('end', () => done(taken ? answerOf(Buffer.concat(chunks), res.statusCode === 202 && size <= MAX_ANSWER_BYTES) : undefined));
      res.on('error', () => done(taken ? {} : undefined));
    });
    req.on('error', () => done(undefined));
    req.end(delivery.payload.text === '' ? '{}' : delivery.payload.text);
  });
}

/** The `output` of a 202 answer, when it is a JSON object; the agent reads nothing else of the answer. */
function answerOf(body: Buffer, readable: boolean): Answer {
  if (!readable) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as { output?: unknown };
    const output = value.output;
    return typeof output === 'object' && output !== null && !Array.isArray(output) ? { output: output as Record<string, unknown> } : {};
  } catch {
    return {};
  }
}

/**
 * The inbox line the daemon ingests exactly once when it (re)starts; its id makes a replay harmless. Appended only to
 * a regular file, opened without waiting: a FIFO or a link in its place is left alone (the payload is lost, the agent
 * is not held).
 */
function spool(home: string, delivery: Delivery): void {
  const { text, value } = delivery.payload;
  const line = {
    op: 'hook',
    id: `hook_${randomUUID()}`,
    source: delivery.kind,
    payload: value ?? (text === '' ? {} : { raw: text, ...(delivery.payload.truncated ? { truncated: true } : {}) }),
    ...(delivery.pid === undefined ? {} : { pid: delivery.pid }),
    ...delivery.tmux,
    at: delivery.at,
  };
  const { inbox } = homePaths(home);
  mkdirSync(inbox, { recursive: true, mode: 0o700 });
  // One write of one line (at most 1 MiB): appends to a regular file do not interleave with other forwarders'.
  appendRegularFileSync(`${inbox}/hooks.jsonl`, `${JSON.stringify(line)}\n`);
}

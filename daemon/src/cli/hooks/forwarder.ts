/**
 * The hook forwarder: what every installed agent hook runs (`agent-tracker hook <kind>` is the same). It hands one raw
 * payload to the daemon, `POST /v1/hooks/<kind>` with the agent's pid and the time it saw the event, or appends it to
 * `<home>/inbox/hooks.jsonl` when no daemon answers. It always exits 0 and prints nothing an agent could read as
 * instructions: agents wait for it, some show its output or feed it to the model.
 *
 * Lean on purpose: it is bundled on its own (node builtins only, no CLI framework) and kept in the tracker home, so
 * starting it costs little more than starting the runtime.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homePaths, resolveHome, type DaemonInfo } from '../../home.js';
import { agentProcessId } from './agentPid.js';

/** How long the forwarder waits for the daemon before it spools the payload instead. */
const POST_TIMEOUT_MS = 1500;
/** Payloads beyond this are cut off (the daemon's body limit is 1 MiB). */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Agents that parse a hook's stdout as JSON get an empty object; the others get nothing at all. */
const WANTS_JSON = new Set(['cursor', 'cline']);

export interface HookDelivery {
  kind: string;
  /** The payload as the agent sent it (JSON text, normally). */
  raw: string;
  pid: number | undefined;
  at: string;
  parentTaskId: string | undefined;
}

/** Runs the forwarder for `kind` with the payload from `argv`/stdin; resolves once delivered or spooled. */
export async function forwardHook(kind: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const at = new Date().toISOString();
  const safeKind = /^[a-z0-9][a-z0-9-]{0,63}$/.test(kind) ? kind : 'unknown';
  try {
    // Codex `notify` passes the payload as the last argument; every other hook writes it to stdin.
    const fromArgs = args.at(-1);
    const raw = fromArgs !== undefined && fromArgs.trimStart().startsWith('{') ? fromArgs : readStdin();
    const delivery: HookDelivery = { kind: safeKind, raw, pid: agentProcessId(env), at, parentTaskId: env['AGENT_TRACKER_TASK_ID'] || undefined };
    const home = resolveHome(undefined, env);
    if (!(await post(home, delivery))) spool(home, delivery);
  } catch {
    // A hook must never fail its agent.
  } finally {
    if (WANTS_JSON.has(safeKind)) process.stdout.write('{}\n');
  }
}

function readStdin(): string {
  if (process.stdin.isTTY) return '';
  try {
    const text = readFileSync(0, 'utf8');
    return text.length > MAX_PAYLOAD_BYTES ? text.slice(0, MAX_PAYLOAD_BYTES) : text;
  } catch {
    return '';
  }
}

/** True when the daemon took the payload (any answer but a server error: a refused payload is its to count). */
function post(home: string, delivery: HookDelivery): Promise<boolean> {
  const paths = homePaths(home);
  let info: DaemonInfo;
  let token: string;
  try {
    info = JSON.parse(readFileSync(paths.daemonInfo, 'utf8')) as DaemonInfo;
    token = readFileSync(paths.token, 'utf8').trim();
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const url = new URL(`/v1/hooks/${delivery.kind}`, info.url);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-observed-at': delivery.at,
    };
    if (delivery.pid !== undefined) headers['x-agent-pid'] = String(delivery.pid);
    if (delivery.parentTaskId !== undefined) headers['x-parent-task-id'] = delivery.parentTaskId;
    const req = request(url, { method: 'POST', headers, timeout: POST_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(delivery.raw === '' ? '{}' : delivery.raw);
  });
}

/** The inbox line the daemon ingests exactly once when it (re)starts; its id makes a replay harmless. */
function spool(home: string, delivery: HookDelivery): void {
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.raw === '' ? '{}' : delivery.raw);
  } catch {
    payload = { raw: delivery.raw };
  }
  const line = {
    op: 'hook',
    id: `hook_${randomUUID()}`,
    source: delivery.kind,
    payload,
    ...(delivery.pid === undefined ? {} : { pid: delivery.pid }),
    at: delivery.at,
  };
  const { inbox } = homePaths(home);
  mkdirSync(inbox, { recursive: true });
  // One write of one line: appends of lines this short do not interleave with other forwarders'.
  appendFileSync(`${inbox}/hooks.jsonl`, `${JSON.stringify(line)}\n`);
}

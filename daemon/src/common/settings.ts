/** The daemon's settings: flags win over environment variables, which win over the contract's defaults. */
import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT, resolveHome } from '../home/home.js';

export interface DaemonSettings {
  home: string;
  host: string;
  port: number;
  agentTimeoutMs: number;
  defaultLeaseMs: number;
  retentionDays: number;
  /** A PostgreSQL URL: the registry lives there, shared with other daemons (team mode). Unset: the home's files. */
  store?: string;
  /** Claude Code's folder of live sessions, read to show sessions that run without hooks. Unset: not looked at. */
  claudeSessionsDir?: string;
  /** PEM files: the daemon serves https and wss. Required to listen beyond loopback. */
  tlsCert?: string;
  tlsKey?: string;
  /** A price file overriding the built-in model prices; unset: the home's `prices.json` when there is one. */
  prices?: string;
}

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export type DaemonFlags = Partial<Record<keyof DaemonSettings, string | number>>;

export class SettingsError extends Error {}

export function resolveSettings(flags: DaemonFlags, env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const settings: DaemonSettings = {
    home: resolveHome(flags.home === undefined ? undefined : String(flags.home), env),
    host: String(flags.host ?? env.AGENT_TRACKER_HOST ?? DEFAULT_HOST),
    port: integer('--port', flags.port ?? env.AGENT_TRACKER_PORT, DEFAULT_PORT, 0, 65535),
    agentTimeoutMs: integer('--agent-timeout-ms', flags.agentTimeoutMs ?? env.AGENT_TRACKER_AGENT_TIMEOUT_MS, 60_000, 100),
    defaultLeaseMs: integer('--default-lease-ms', flags.defaultLeaseMs ?? env.AGENT_TRACKER_DEFAULT_LEASE_MS, 60_000, 100),
    retentionDays: number('--retention-days', flags.retentionDays ?? env.AGENT_TRACKER_RETENTION_DAYS, 30, 0),
    store: storeUrl(flags.store ?? env.AGENT_TRACKER_STORE),
    claudeSessionsDir: claudeSessionsDir(env),
    ...pricesPath(flags.prices ?? env.AGENT_TRACKER_PRICES),
  };
  const tlsCert = optional(flags.tlsCert ?? env.AGENT_TRACKER_TLS_CERT);
  const tlsKey = optional(flags.tlsKey ?? env.AGENT_TRACKER_TLS_KEY);
  if (tlsCert) settings.tlsCert = tlsCert;
  if (tlsKey) settings.tlsKey = tlsKey;
  checkExposure(settings);
  return settings;
}

/**
 * Beyond loopback, the token and the board's session cookie cross a network: only inside TLS. Both files or neither.
 */
export function checkExposure(settings: DaemonSettings): void {
  if (Boolean(settings.tlsCert) !== Boolean(settings.tlsKey)) {
    throw new SettingsError('--tls-cert and --tls-key go together: give both PEM files, or neither');
  }
  if (!LOOPBACK_HOSTS.includes(settings.host) && !settings.tlsCert) {
    throw new SettingsError(
      `refusing to listen on ${settings.host} without TLS: anyone on that network could read the token and every task. ` +
        'Give --tls-cert FILE --tls-key FILE, or keep the default 127.0.0.1 and reach it through an SSH tunnel or Tailscale (see docs/web.md)',
    );
  }
}

function optional(raw: string | number | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : String(raw);
}

/** Claude Code keeps its state in `CLAUDE_CONFIG_DIR`, else `~/.claude`; `AGENT_TRACKER_CLAUDE_SESSIONS_DIR` overrides. */
function claudeSessionsDir(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env.AGENT_TRACKER_CLAUDE_SESSIONS_DIR;
  if (explicit !== undefined) return explicit === '' ? undefined : explicit;
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || homedir(), '.claude');
  return path.join(configDir, 'sessions');
}

function pricesPath(raw: string | number | undefined): { prices?: string } {
  return raw === undefined || raw === '' ? {} : { prices: path.resolve(String(raw)) };
}

/** `postgres://...` (or `postgresql://`); empty means the file store. */
export function storeUrl(raw: string | number | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = String(raw);
  if (!/^postgres(ql)?:\/\//.test(value)) throw new SettingsError(`--store must be a postgres:// URL, got ${value}`);
  return value;
}

function integer(name: string, raw: string | number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = number(name, raw, fallback, min, max);
  if (!Number.isInteger(value)) throw new SettingsError(`${name} must be a whole number, got ${String(raw)}`);
  return value;
}

function number(name: string, raw: string | number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be a number between ${min} and ${max}, got ${String(raw)}`);
  }
  return value;
}

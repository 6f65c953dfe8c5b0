/**
 * Codex: `$CODEX_HOME/hooks.json` (user; CODEX_HOME defaults to ~/.codex) or `.codex/hooks.json` (project). Codex runs
 * a command hook only once the user has trusted it (its `/hooks` review records a hash per hook under
 * `[hooks.state]` in config.toml), and skips untrusted ones silently: `status` says so. Where the user turned hooks
 * off (`[features] hooks = false`), the turn's end still arrives through `notify` in config.toml, set only when the
 * user has no `notify` of their own.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { findAgent, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { isJsonObject, writeTextFile, type JsonObject } from './configFile.js';
import { forwarderPaths, isOurCommand } from './forwarderFiles.js';
import { allGroupedHandlers } from './groupedHooks.js';
import { groupedInstaller } from './groupedInstaller.js';

const handler = { timeout: 10 };
const TRUST_HOW = 'start codex, type /hooks, and trust the agent-tracker hooks (Codex skips untrusted hooks without a word)';

function codexHome(ctx: HooksContext): string {
  return ctx.env['CODEX_HOME'] ?? path.join(ctx.userHome, '.codex');
}

function configDir(ctx: HooksContext): string {
  return ctx.scope === 'user' ? codexHome(ctx) : path.join(ctx.cwd, '.codex');
}

interface Toml {
  file: string;
  text: string | undefined;
  value: Record<string, unknown>;
}

function readToml(file: string): Toml {
  if (!existsSync(file)) return { file, text: undefined, value: {} };
  const text = readFileSync(file, 'utf8');
  try {
    return { file, text, value: parse(text) as Record<string, unknown> };
  } catch (error) {
    throw new Error(`${file} is not valid TOML (${error instanceof Error ? error.message : String(error)}); fix it first, nothing was changed`);
  }
}

function hooksTurnedOff(config: Record<string, unknown>): boolean {
  const features = isJsonObject(config['features']) ? config['features'] : {};
  return features['hooks'] === false || features['codex_hooks'] === false;
}

function isOurNotify(notify: unknown): boolean {
  return Array.isArray(notify) && notify.some(isOurCommand);
}

/** Hashes the user trusted for hooks of this hooks.json (keys of `[hooks.state]` name the file they belong to). */
function trustedCount(config: Record<string, unknown>, hooksFile: string): number {
  const hooks = isJsonObject(config['hooks']) ? config['hooks'] : {};
  const state = isJsonObject(hooks['state']) ? hooks['state'] : {};
  return Object.entries(state).filter(([key, entry]) => key.includes(hooksFile) && isJsonObject(entry) && typeof entry['trusted_hash'] === 'string').length;
}

const grouped = groupedInstaller({
  agent: 'codex',
  name: 'Codex',
  configPath: (ctx) => path.join(configDir(ctx), 'hooks.json'),
  foundAt: (ctx) => findAgent(ctx, ['codex'], [codexHome(ctx)]),
  events: [
    ['SessionStart', handler],
    ['UserPromptSubmit', handler],
    ['PreToolUse', handler],
    ['PermissionRequest', handler],
    ['PostToolUse', handler],
    ['SubagentStart', handler],
    ['SubagentStop', handler],
    ['Stop', handler],
    ['SessionEnd', handler],
  ],
  decorate(ctx, status, settings: JsonObject) {
    const config = readToml(path.join(codexHome(ctx), 'config.toml')).value;
    const notify = readToml(path.join(configDir(ctx), 'config.toml')).value['notify'];
    if (isOurNotify(notify)) {
      status.events.push('notify');
      status.notes.push('turn ends arrive through notify in config.toml');
    }
    if (hooksTurnedOff(config)) {
      status.notes.push('hooks are turned off in config.toml ([features] hooks = false): only notify reports, at the end of each turn');
      status.installed = isOurNotify(notify);
      return;
    }
    if (status.events.length === 0) return;
    const handlers = allGroupedHandlers(settings).length;
    const pending = trustedCount(config, status.config) < handlers;
    status.trust = { pending, how: pending ? TRUST_HOW : 'trusted in Codex; changed hooks need a new review (/hooks)' };
  },
});

export const codexHooks: AgentInstaller = {
  ...grouped,
  install(ctx) {
    const result = grouped.install(ctx);
    const configFile = path.join(configDir(ctx), 'config.toml');
    const toml = readToml(configFile);
    const userConfig = readToml(path.join(codexHome(ctx), 'config.toml')).value;
    if (!hooksTurnedOff(userConfig) && !hooksTurnedOff(toml.value)) {
      result.notes.push(`Codex runs these hooks once you trust them: ${TRUST_HOW}`);
      return result;
    }
    const notify = toml.value['notify'];
    if (notify !== undefined && !isOurNotify(notify)) {
      result.notes.push('hooks are off in config.toml and notify already runs your own program: left as it is');
      return result;
    }
    toml.value['notify'] = [forwarderPaths(ctx.trackerHome).launcher, 'codex'];
    const changed = writeTextFile(configFile, toml.text, stringify(toml.value));
    return { ...result, changed: result.changed || changed, notes: ['hooks are off in config.toml: notify reports the end of each turn'] };
  },
  uninstall(ctx) {
    const result = grouped.uninstall(ctx);
    const configFile = path.join(configDir(ctx), 'config.toml');
    const toml = readToml(configFile);
    if (!isOurNotify(toml.value['notify'])) return result;
    delete toml.value['notify'];
    const changed = writeTextFile(configFile, toml.text, stringify(toml.value));
    return { ...result, changed: result.changed || changed };
  },
};

/**
 * Codex: `$CODEX_HOME/hooks.json` (user; CODEX_HOME defaults to ~/.codex) or `.codex/hooks.json` (project). Codex runs
 * a command hook only once the user has trusted it (its `/hooks` review records a hash per hook under
 * `[hooks.state]` in config.toml), and skips untrusted ones silently: `status` says so. Where the user turned hooks
 * off (`[features] hooks = false`), hooks.json is left alone and the turn's end arrives through `notify` in
 * config.toml instead, set only when the user has no `notify` of their own. Every file is checked before any is written.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readConfigFile, type ConfigChange } from '../configFile.js';
import { isJsonObject } from '../jsonDocument.js';
import { TomlDocument, type TomlTable } from '../tomlDocument.js';
import { forwarderPaths } from '../../hooks/forwarderFiles.js';
import { APPROVAL_TIMEOUT_MARGIN, findAgent, onWindows, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { hookCommand } from './hookCommand.js';
import { allCommands } from './hookEntries.js';
import { approvalStatus, carryOut, jsonHooksInstaller, type Plan } from './jsonHooksInstaller.js';

const TRUST_HOW = 'start codex, type /hooks, and trust the agent-tracker hooks (Codex skips untrusted hooks without a word)';
const EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'] as const;
const NO_HOOKS = 'hooks are turned off in config.toml ([features] hooks = false)';

function codexHome(ctx: HooksContext): string {
  return ctx.env['CODEX_HOME'] ?? path.join(ctx.userHome, '.codex');
}

function configDir(ctx: HooksContext): string {
  return ctx.scope === 'user' ? codexHome(ctx) : path.join(ctx.cwd, '.codex');
}

function openToml(file: string) {
  const config = readConfigFile(file);
  return { config, doc: new TomlDocument(config.file, config.text) };
}

function hooksTurnedOff(config: TomlTable): boolean {
  const features = isJsonObject(config['features']) ? config['features'] : {};
  return features['hooks'] === false || features['codex_hooks'] === false;
}

/**
 * Codex runs `notify` as a program with arguments, no shell: the launcher itself. On Windows that is the .cmd, which
 * Codex (Rust's process API) hands to cmd.exe; the `/bin/sh` script cannot run there.
 */
function ourNotify(ctx: HooksContext): string[] {
  const paths = forwarderPaths(ctx.trackerHome, ctx.platform);
  return [onWindows(ctx) ? paths.windowsLauncher : paths.launcher, 'codex'];
}

/** Hashes the user trusted for hooks of this hooks.json (keys of `[hooks.state]` name the file they belong to). */
function trustedCount(config: TomlTable, hooksFile: string): number {
  const hooks = isJsonObject(config['hooks']) ? config['hooks'] : {};
  const state = isJsonObject(hooks['state']) ? hooks['state'] : {};
  return Object.entries(state).filter(([key, entry]) => key.includes(hooksFile) && isJsonObject(entry) && typeof entry['trusted_hash'] === 'string').length;
}

/** Both configs that can turn hooks off: the user's and, for a project, the project's (which holds our notify). */
function readConfigs(ctx: HooksContext) {
  const local = openToml(path.join(configDir(ctx), 'config.toml'));
  const user = ctx.scope === 'user' ? local : openToml(path.join(codexHome(ctx), 'config.toml'));
  return { local, off: hooksTurnedOff(user.doc.value()) || hooksTurnedOff(local.doc.value()), user: user.doc.value() };
}

const hooksJson = jsonHooksInstaller({
  agent: 'codex',
  name: 'Codex',
  layout: { grouped: true, commandKey: 'command' },
  configPath: (ctx) => path.join(configDir(ctx), 'hooks.json'),
  foundAt: (ctx) => findAgent(ctx, ['codex'], [codexHome(ctx)]),
  entries: (ctx, approvalWait) =>
    EVENTS.map((event) =>
      event === 'PermissionRequest' && approvalWait !== undefined
        ? ([event, { type: 'command', command: hookCommand(ctx, 'codex', { approvalWait }), timeout: approvalWait + APPROVAL_TIMEOUT_MARGIN }] as const)
        : ([event, { type: 'command', command: hookCommand(ctx, 'codex'), timeout: 10 }] as const),
    ),
  approvals: {
    events: ['PermissionRequest'],
    how: 'PermissionRequest waits for your decision; Codex asks it before its own auto-review, and its own prompt waits until the hook answers',
  },
  decorate(ctx, status, doc) {
    const { local, off, user } = readConfigs(ctx);
    if (isDeepStrictEqual(local.doc.value()['notify'], ourNotify(ctx))) {
      status.events.push('notify');
      status.notes.push('turn ends arrive through notify in config.toml');
    }
    if (off) {
      status.notes.push(`${NO_HOOKS}: only notify reports, at the end of each turn`);
      status.installed = status.events.includes('notify');
      status.approvals = approvalStatus({ cannot: NO_HOOKS }, undefined);
      return;
    }
    if (status.events.length === 0) return;
    const pending = trustedCount(user, status.config) < allCommands(doc).length;
    status.trust = { pending, how: pending ? TRUST_HOW : 'trusted in Codex; changed hooks need a new review (/hooks)' };
  },
});

/** Our notify in config.toml when hooks are off (unless the user's own notify is there); none when they are on. */
function planNotify(ctx: HooksContext, off: boolean, local: ReturnType<typeof openToml>): { change?: ConfigChange; note?: string } {
  const current = local.doc.value()['notify'];
  const ours = isDeepStrictEqual(current, ourNotify(ctx));
  if (!off) {
    if (!ours) return {};
    local.doc.removeTopLevel('notify');
    return { change: { config: local.config, text: local.doc.text } };
  }
  if (current !== undefined && !ours) return { note: `${NO_HOOKS} and notify already runs your own program: left as it is` };
  local.doc.setTopLevel('notify', ourNotify(ctx));
  return { change: { config: local.config, text: local.doc.text }, note: `${NO_HOOKS}: notify reports the end of each turn` };
}

function planInstall(ctx: HooksContext): Plan {
  const { local, off } = readConfigs(ctx);
  const notify = planNotify(ctx, off, local);
  if (off) {
    const notes = [notify.note ?? '', ...(ctx.approvals?.turn === 'on' ? [`approvals: not possible, ${NO_HOOKS}`] : [])].filter((n) => n !== '');
    return { config: local.config.file, changes: notify.change ? [notify.change] : [], notes };
  }
  const plan = hooksJson.planInstall(ctx);
  return { ...plan, changes: [...plan.changes, ...(notify.change ? [notify.change] : [])], notes: [...plan.notes, `Codex runs these hooks once you trust them: ${TRUST_HOW}`] };
}

function planUninstall(ctx: HooksContext): Plan {
  const plan = hooksJson.planUninstall(ctx);
  const local = openToml(path.join(configDir(ctx), 'config.toml'));
  if (!isDeepStrictEqual(local.doc.value()['notify'], ourNotify(ctx))) return plan;
  local.doc.removeTopLevel('notify');
  return { ...plan, changes: [...plan.changes, { config: local.config, text: local.doc.text }] };
}

export const codexHooks: AgentInstaller = {
  agent: 'codex',
  name: 'Codex',
  install: (ctx) => carryOut(planInstall(ctx)),
  uninstall: (ctx) => carryOut(planUninstall(ctx)),
  status: (ctx) => hooksJson.status(ctx),
};

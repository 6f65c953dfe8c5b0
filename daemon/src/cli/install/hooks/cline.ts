/**
 * Cline: one executable per hook, named for its event, in `~/Documents/Cline/Hooks/` (user) or `.clinerules/hooks/`
 * (project). Cline reads a hook's stdout as JSON: the forwarder answers `{}`. A script is ours only while it is exactly
 * the one we write; a hook of the user's own, or our script after the user edited it, is kept as it is (never
 * replaced, never removed) and `status` says so. Cline cannot take an approval from a hook.
 *
 * On Windows Cline runs only `<Event>.ps1`, through `powershell.exe -File` (a file without an extension is ignored
 * there), so ours is a PowerShell script that calls the .cmd launcher, which inherits the script's stdin (the
 * payload). That branch is tested on Linux as a function of the platform only.
 */
import path from 'node:path';
import { readConfigFile } from '../configFile.js';
import { findAgent, onWindows, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { hookCommand } from './hookCommand.js';
import { approvalStatus, carryOut, type ApprovalSupport } from './jsonHooksInstaller.js';

const EVENTS = ['TaskStart', 'TaskResume', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'TaskComplete', 'TaskCancel'] as const;
const MARKER = '# agent-tracker hook';
const APPROVALS: ApprovalSupport = { cannot: 'a Cline hook can cancel a tool call but not answer its approval prompt' };

function hooksDir(ctx: HooksContext): string {
  return ctx.scope === 'user' ? path.join(ctx.userHome, 'Documents', 'Cline', 'Hooks') : path.join(ctx.cwd, '.clinerules', 'hooks');
}

const ABOUT = `${MARKER}: forwards this Cline event to Agent Tracker; remove with agent-tracker hooks uninstall`;

function scriptFile(ctx: HooksContext, event: string): string {
  return path.join(hooksDir(ctx), onWindows(ctx) ? `${event}.ps1` : event);
}

function script(ctx: HooksContext): string {
  if (!onWindows(ctx)) return `#!/bin/sh\n${ABOUT}\nexec ${hookCommand(ctx, 'cline')}\n`;
  return [ABOUT, hookCommand(ctx, 'cline', { shell: 'powershell' }), 'exit 0', ''].join('\r\n');
}

type Slot = 'ours' | 'edited' | 'theirs' | 'free';

function slots(ctx: HooksContext) {
  return EVENTS.map((event) => {
    const config = readConfigFile(scriptFile(ctx, event));
    const slot: Slot = config.text === undefined ? 'free' : config.text === script(ctx) ? 'ours' : config.text.includes(MARKER) ? 'edited' : 'theirs';
    return { event, config, slot };
  });
}

function kept(event: string, slot: Slot): string[] {
  if (slot === 'theirs') return [`${event}: your own hook is there, kept (ours not added)`];
  if (slot === 'edited') return [`${event}: our hook script was edited, kept as it is (remove it by hand if you want it gone)`];
  return [];
}

export const clineHooks: AgentInstaller = {
  agent: 'cline',
  name: 'Cline',
  install(ctx) {
    const all = slots(ctx);
    const notes = all.flatMap(({ event, slot }) => kept(event, slot));
    if (ctx.approvals?.turn === 'on') notes.push(`approvals: not possible, ${APPROVALS.cannot}`);
    const changes = all.filter(({ slot }) => slot === 'free').map(({ config }) => ({ config, text: script(ctx), mode: 0o755 }));
    return carryOut({ config: hooksDir(ctx), changes, notes });
  },
  uninstall(ctx) {
    const all = slots(ctx);
    const changes = all.filter(({ slot }) => slot === 'ours').map(({ config }) => ({ config, text: null }));
    return carryOut({ config: hooksDir(ctx), changes, notes: all.flatMap(({ event, slot }) => (slot === 'edited' ? kept(event, slot) : [])) });
  },
  status(ctx) {
    const all = slots(ctx);
    const events = all.filter(({ slot }) => slot === 'ours').map(({ event }) => event);
    return {
      agent: 'cline',
      name: 'Cline',
      foundAt: findAgent(ctx, ['cline'], [path.join(ctx.userHome, 'Documents', 'Cline'), path.join(ctx.userHome, '.cline')]),
      installed: events.length > 0 && all.every(({ slot }) => slot !== 'free'),
      events,
      config: hooksDir(ctx),
      approvals: approvalStatus(APPROVALS, undefined),
      notes: all.flatMap(({ event, slot }) => (slot === 'theirs' ? [`${event}: your own hook runs there instead of ours`] : kept(event, slot))),
    };
  },
};

/**
 * Cline: one executable per hook, named for its event, in `~/Documents/Cline/Hooks/` (user) or `.clinerules/hooks/`
 * (project). Cline reads a hook's stdout as JSON: the forwarder answers `{}`. An event where the user already has a
 * hook of their own keeps theirs; ours is left out there and `status` says so.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findAgent, type AgentInstaller, type HooksContext } from './agentHooks.js';
import { writeTextFile } from './configFile.js';
import { forwarderCommand } from './forwarderFiles.js';

const EVENTS = ['TaskStart', 'TaskResume', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'TaskComplete', 'TaskCancel'] as const;
const MARKER = '# agent-tracker hook';

function hooksDir(ctx: HooksContext): string {
  return ctx.scope === 'user' ? path.join(ctx.userHome, 'Documents', 'Cline', 'Hooks') : path.join(ctx.cwd, '.clinerules', 'hooks');
}

function script(ctx: HooksContext): string {
  return `#!/bin/sh\n${MARKER}: forwards this Cline event to Agent Tracker; remove with agent-tracker hooks uninstall\nexec ${forwarderCommand(ctx.trackerHome, 'cline')}\n`;
}

type Slot = 'ours' | 'theirs' | 'free';

function slot(file: string): Slot {
  if (!existsSync(file)) return 'free';
  return readFileSync(file, 'utf8').includes(MARKER) ? 'ours' : 'theirs';
}

export const clineHooks: AgentInstaller = {
  agent: 'cline',
  name: 'Cline',
  install(ctx) {
    const dir = hooksDir(ctx);
    let changed = false;
    const notes: string[] = [];
    for (const event of EVENTS) {
      const file = path.join(dir, event);
      const state = slot(file);
      if (state === 'theirs') {
        notes.push(`${event}: your own hook is there, kept (ours not added)`);
        continue;
      }
      changed = writeTextFile(file, state === 'ours' ? readFileSync(file, 'utf8') : undefined, script(ctx), 0o755) || changed;
    }
    return { changed, config: dir, notes };
  },
  uninstall(ctx) {
    const dir = hooksDir(ctx);
    let changed = false;
    for (const event of EVENTS) {
      const file = path.join(dir, event);
      if (slot(file) !== 'ours') continue;
      rmSync(file);
      changed = true;
    }
    return { changed, config: dir, notes: [] };
  },
  status(ctx) {
    const dir = hooksDir(ctx);
    const events = EVENTS.filter((event) => slot(path.join(dir, event)) === 'ours');
    const theirs = EVENTS.filter((event) => slot(path.join(dir, event)) === 'theirs');
    return {
      agent: 'cline',
      name: 'Cline',
      foundAt: findAgent(ctx, ['cline'], [path.join(ctx.userHome, 'Documents', 'Cline'), path.join(ctx.userHome, '.cline')]),
      installed: events.length + theirs.length === EVENTS.length && events.length > 0,
      events: [...events],
      config: dir,
      notes: theirs.map((event) => `${event}: your own hook runs there instead of ours`),
    };
  },
};

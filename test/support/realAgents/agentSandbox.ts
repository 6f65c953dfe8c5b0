/**
 * A private world for one real agent run: its own HOME (Claude Code's and Gemini CLI's settings), CODEX_HOME, TMPDIR
 * and a workspace folder, all under one temp folder the test removes. Nothing the agent writes lands in the real home.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface AgentSandbox {
  root: string;
  home: string;
  codexHome: string;
  tmp: string;
  /** The folder the agent runs in (its `cwd`). */
  workspace: string;
  /** The environment that confines an agent to this sandbox; the caller adds the provider's variables. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function makeAgentSandbox(label: string): AgentSandbox {
  // realpath: agents report their cwd resolved, and fixtures scrub the sandbox's path by prefix.
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), `agent-tracker-${label}-`)));
  const home = path.join(root, 'home');
  const codexHome = path.join(home, '.codex');
  const tmp = path.join(root, 'tmp');
  const workspace = path.join(root, 'project');
  for (const dir of [home, codexHome, tmp, workspace]) mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    LANG: 'C.UTF-8',
    HOME: home,
    USERPROFILE: home,
    CODEX_HOME: codexHome,
    TMPDIR: tmp,
    XDG_RUNTIME_DIR: tmp,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    TERM: 'dumb',
    NO_COLOR: '1',
    CI: '1',
  };
  return { root, home, codexHome, tmp, workspace, env, remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }) };
}

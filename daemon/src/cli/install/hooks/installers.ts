/** One installer per agent, in the order `hooks status` lists them. */
import type { AgentInstaller, HookAgent } from './agentHooks.js';
import { claudeCodeHooks } from './claudeCode.js';
import { clineHooks } from './cline.js';
import { codexHooks } from './codex.js';
import { copilotCliHooks } from './copilotCli.js';
import { cursorHooks } from './cursor.js';
import { geminiCliHooks } from './geminiCli.js';

export const INSTALLERS: Readonly<Record<HookAgent, AgentInstaller>> = {
  'claude-code': claudeCodeHooks,
  codex: codexHooks,
  'gemini-cli': geminiCliHooks,
  cursor: cursorHooks,
  'copilot-cli': copilotCliHooks,
  cline: clineHooks,
};

/** Every agent adapter the daemon knows, by kind. */
import type { HookAdapter } from './adapter.js';
import { claudeCodeAdapter, claudeStyleAdapter } from './claudeCode.js';
import { clineAdapter } from './cline.js';
import { codexAdapter } from './codex.js';
import { copilotCliAdapter } from './copilotCli.js';
import { cursorAdapter } from './cursor.js';
import { geminiCliAdapter } from './geminiCli.js';

export const HOOK_ADAPTERS: readonly HookAdapter[] = [
  claudeCodeAdapter,
  codexAdapter,
  geminiCliAdapter,
  cursorAdapter,
  copilotCliAdapter,
  clineAdapter,
  // VS Code's own agent hooks send Claude Code's shape.
  claudeStyleAdapter('vscode-agent', 'VS Code agent'),
];

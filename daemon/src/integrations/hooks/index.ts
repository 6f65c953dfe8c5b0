/** Every agent adapter the daemon knows, by kind. */
import type { HookAdapter } from '../../protocol/index.js';
import { promptGateOf } from './promptGates.js';
import { claudeCodeAdapter, claudeStyleAdapter } from './claudeCode.js';
import { clineAdapter } from './cline.js';
import { codexAdapter } from './codex.js';
import { copilotCliAdapter } from './copilotCli.js';
import { cursorAdapter } from './cursor.js';
import { geminiCliAdapter } from './geminiCli.js';

const ADAPTERS: readonly HookAdapter[] = [
  claudeCodeAdapter,
  codexAdapter,
  geminiCliAdapter,
  cursorAdapter,
  copilotCliAdapter,
  clineAdapter,
  // VS Code's own agent hooks send Claude Code's shape.
  claudeStyleAdapter('vscode-agent', 'VS Code agent'),
];

/** Each with the gate of the prompts a budget may refuse, where its agent lets a hook refuse them. */
export const HOOK_ADAPTERS: readonly HookAdapter[] = ADAPTERS.map((adapter) => ({ ...adapter, promptGate: (payload) => promptGateOf(adapter.kind, payload) }));

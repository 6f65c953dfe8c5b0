/** Every agent adapter the daemon knows, by kind. */
import type { HookAdapter } from './adapter.js';
import { claudeCodeAdapter } from './claudeCode.js';
import { codexAdapter } from './codex.js';
import { geminiCliAdapter } from './geminiCli.js';

export const HOOK_ADAPTERS: readonly HookAdapter[] = [claudeCodeAdapter, codexAdapter, geminiCliAdapter];

// Installs the real coding agents the hook tests run (Claude Code, Codex, Gemini CLI) from npm into the test host's
// agents/ prefix. Idempotent: a marker records the installed versions, and a later run with the same pins and the
// binaries in place returns at once. About 700 MB on disk, under a minute on a fast link.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentBins, agentsMarkerFile, agentsPrefix, agentVersions } from './hostPaths.js';
import { commandOutput, log, npmFreeEnv, run } from './hostCommands.js';

export type AgentBins = typeof agentBins;

export async function ensureAgentClis(): Promise<AgentBins> {
  if (await isInstalled()) return agentBins;
  await mkdir(agentsPrefix, { recursive: true });
  log(`installing the agent CLIs into ${agentsPrefix}: ${Object.entries(agentVersions).map(([n, v]) => `${n}@${v}`).join(' ')}`);
  // A package.json of our own pins the exact versions, so `npm install` there converges instead of accumulating.
  const manifest = { name: 'agent-tracker-test-agents', private: true, dependencies: agentVersions };
  await writeFile(path.join(agentsPrefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error'], { cwd: agentsPrefix, env: npmFreeEnv() });
  // Claude Code's postinstall puts its native binary in place of a stub; an npm that holds back install scripts
  // (allowScripts) skips it, so run it ourselves when the binary does not answer.
  if (!(await commandOutput(agentBins.claude, ['--version']).then(() => true, () => false))) {
    await run(process.execPath, ['install.cjs'], { cwd: path.join(agentsPrefix, 'node_modules', '@anthropic-ai', 'claude-code') });
  }
  const installed: Record<string, string> = {};
  for (const [name, bin] of Object.entries(agentBins)) installed[name] = await commandOutput(bin, ['--version']);
  log(`agent CLIs ready: ${Object.values(installed).join(', ')}`);
  await writeAtomically(agentsMarkerFile, `${JSON.stringify({ versions: agentVersions, installed }, null, 2)}\n`);
  return agentBins;
}

async function isInstalled(): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(agentsMarkerFile, 'utf8')) as { versions?: Record<string, string> };
    const pinned = Object.entries(agentVersions).every(([name, version]) => marker.versions?.[name] === version);
    return pinned && Object.values(agentBins).every((bin) => existsSync(bin));
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

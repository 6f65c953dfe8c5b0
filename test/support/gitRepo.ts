/** A throwaway git repository for tests of what an agent changed: files committed at HEAD, then changed on disk. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Commits `head`, then writes `now` over it (new paths are files git does not know yet); returns the folder. */
export function gitRepoWithChanges(prefix: string, head: Record<string, string>, now: Record<string, string>): string {
  const repo = mkdtempSync(path.join(tmpdir(), prefix));
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  for (const [file, text] of Object.entries(head)) writeFileSync(path.join(repo, file), text);
  git('add', '.');
  git('commit', '-qm', 'head');
  for (const [file, text] of Object.entries(now)) writeFileSync(path.join(repo, file), text);
  return repo;
}

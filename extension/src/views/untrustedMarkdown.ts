/**
 * The only way views build Markdown: not trusted (no command link runs), no HTML, theme icons allowed. Text that came
 * from an agent goes in through `appendUntrusted`, which escapes every punctuation character Markdown could act on.
 */
import * as vscode from 'vscode';

export function untrustedMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

/** CommonMark lets a backslash escape any ASCII punctuation: links, emphasis, HTML and `$(icon)` syntax all become text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

export function appendUntrusted(md: vscode.MarkdownString, text: string): void {
  md.appendMarkdown(escapeMarkdown(text));
}

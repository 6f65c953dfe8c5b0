/**
 * The only way views build Markdown: not trusted (no command link runs), no HTML, theme icons allowed. Text that came
 * from an agent goes in through `appendUntrusted`, which escapes it with the model's `markdownText`.
 */
import * as vscode from 'vscode';
import { markdownText } from '../model/plainText.js';

export function untrustedMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function appendUntrusted(md: vscode.MarkdownString, text: string): void {
  md.appendMarkdown(markdownText(text));
}

/**
 * An installer for the agents whose hooks live in a JSON file (Claude Code, Codex's hooks.json, Gemini CLI, Cursor,
 * Copilot CLI): plan the new text with minimal edits, then write every file of the plan or none.
 */
import { isDeepStrictEqual } from 'node:util';
import { readConfigFile, writeConfigChanges, type ConfigChange } from '../configFile.js';
import { JsonDocument, type JsonObject } from '../jsonDocument.js';
import {
  approvalWaitAfter,
  type AgentHookStatus,
  type AgentInstaller,
  type ApprovalStatus,
  type ChangeResult,
  type HookAgent,
  type HooksContext,
} from './agentHooks.js';
import { readHookCommand } from './hookCommand.js';
import { ourHooks, placeHooks, removeHooks, type HookLayout } from './hookEntries.js';

/** Where an agent can take a decision from a hook: the events our permission hook goes on. */
export type ApprovalSupport = { events: readonly string[]; how: string } | { cannot: string };

export interface JsonHooksSpec {
  agent: HookAgent;
  name: string;
  layout: HookLayout;
  configPath(ctx: HooksContext): string;
  foundAt(ctx: HooksContext): string | null;
  /** Our entry per event; with `approvalWait`, the permission hook waits that long for a decision. */
  entries(ctx: HooksContext, approvalWait: number | undefined): ReadonlyArray<readonly [event: string, entry: JsonObject]>;
  approvals: ApprovalSupport;
  /** Top-level fields the file must have (Cursor, Copilot CLI: `version: 1`). */
  skeleton?: JsonObject;
  /** The file is ours alone (Copilot CLI): uninstall removes it when nothing but the skeleton is left. */
  ownFile?: boolean;
  /** Extra status (Codex: trust). */
  decorate?(ctx: HooksContext, status: AgentHookStatus, doc: JsonDocument): void;
}

export interface Plan {
  config: string;
  changes: ConfigChange[];
  notes: string[];
}

export interface JsonHooksInstaller extends AgentInstaller {
  planInstall(ctx: HooksContext): Plan;
  planUninstall(ctx: HooksContext): Plan;
}

/** Writes every file of the plan, or none when one of them cannot be written. */
export function carryOut(plan: Plan): ChangeResult {
  return { changed: writeConfigChanges(plan.changes), config: plan.config, notes: plan.notes };
}

export function jsonHooksInstaller(spec: JsonHooksSpec): JsonHooksInstaller {
  const isOurs = (ctx: HooksContext) => (command: unknown) => readHookCommand(ctx, spec.agent, command) !== undefined;
  const open = (ctx: HooksContext) => {
    const config = readConfigFile(spec.configPath(ctx));
    return { config, doc: new JsonDocument(config.file, config.text) };
  };
  const approvalWaitIn = (ctx: HooksContext, doc: JsonDocument): number | undefined => {
    if ('cannot' in spec.approvals) return undefined;
    const ours = ourHooks(doc, spec.layout, isOurs(ctx));
    const waits = spec.approvals.events.map((event) => readHookCommand(ctx, spec.agent, ours.get(event)?.[spec.layout.commandKey])?.approvalWait);
    return waits.find((wait) => wait !== undefined);
  };

  const planInstall = (ctx: HooksContext): Plan => {
    const { config, doc } = open(ctx);
    const notes: string[] = [];
    let wait: number | undefined;
    if ('cannot' in spec.approvals) {
      if (ctx.approvals?.turn === 'on') notes.push(`approvals: not possible, ${spec.approvals.cannot}; hooks only observe`);
    } else {
      wait = approvalWaitAfter(ctx, approvalWaitIn(ctx, doc));
      if (wait !== undefined) notes.push(`approvals on: ${spec.approvals.events.join(', ')} wait up to ${wait} s for your decision`);
    }
    for (const [key, value] of Object.entries(spec.skeleton ?? {})) if (doc.get([key]) === undefined) doc.set([key], value);
    placeHooks(doc, spec.layout, new Map(spec.entries(ctx, wait)), isOurs(ctx));
    return { config: config.file, changes: [{ config, text: doc.text }], notes };
  };

  const planUninstall = (ctx: HooksContext): Plan => {
    const { config, doc } = open(ctx);
    if (config.text === undefined) return { config: config.file, changes: [], notes: [] };
    removeHooks(doc, spec.layout, isOurs(ctx));
    const leftover = spec.ownFile === true && isDeepStrictEqual(JSON.parse(JSON.stringify(doc.get([]))), spec.skeleton ?? {});
    return { config: config.file, changes: [{ config, text: leftover ? null : doc.text }], notes: [] };
  };

  return {
    agent: spec.agent,
    name: spec.name,
    planInstall,
    planUninstall,
    install: (ctx) => carryOut(planInstall(ctx)),
    uninstall: (ctx) => carryOut(planUninstall(ctx)),
    status(ctx): AgentHookStatus {
      const { config, doc } = open(ctx);
      const events = [...ourHooks(doc, spec.layout, isOurs(ctx)).keys()];
      const status: AgentHookStatus = {
        agent: spec.agent,
        name: spec.name,
        foundAt: spec.foundAt(ctx),
        installed: spec.entries(ctx, undefined).every(([event]) => events.includes(event)),
        events,
        config: config.file,
        approvals: approvalStatus(spec.approvals, approvalWaitIn(ctx, doc)),
        notes: [],
      };
      spec.decorate?.(ctx, status, doc);
      return status;
    },
  };
}

export function approvalStatus(support: ApprovalSupport, wait: number | undefined): ApprovalStatus {
  if ('cannot' in support) return { possible: false, on: false, wait: null, events: [], how: support.cannot };
  return { possible: true, on: wait !== undefined, wait: wait ?? null, events: [...support.events], how: support.how };
}

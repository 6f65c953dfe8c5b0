import * as assert from 'node:assert/strict';
import { eventChanges } from '../../../extension/src/model/eventWords.js';
import { replaySteps, type TrackerEvent } from '../../../extension/src/model/protocol.js';
import { event } from './fixtures.js';

describe('Extension model: what each event changed, in plain words', () => {
  const names: Record<string, string> = { 'agent-1': 'Builder' };
  const agentName = (id: string): string => names[id] ?? id;
  const wordsOf = (events: TrackerEvent[]): string[][] => {
    const steps = replaySteps(events);
    return steps.map((step, i) => eventChanges(step.event, i === 0 ? null : (steps[i - 1]?.state ?? null), step.state, agentName));
  };

  it('says the status, progress, claim, log, usage and stuck changes as a person would, not the 40 fields', () => {
    const words = wordsOf([
      event('task.created', { taskId: 't', data: { title: 'Build the parser' } }),
      event('task.claimed', { taskId: 't', actor: 'agent:agent-1', data: { from: 'pending', agentId: 'agent-1', leaseToken: 'secret', leaseExpiresAt: '2026-01-01T10:05:00.000Z' } }),
      event('task.transitioned', { taskId: 't', data: { from: 'assigned', to: 'active' } }),
      event('task.progress', { taskId: 't', data: { progress: 40, step: 'compiling' } }),
      event('task.progress', { taskId: 't', data: { progress: 60 } }),
      event('task.log', { taskId: 't', data: { message: 'linking\nnow', level: 'warn' } }),
      event('task.usage', { taskId: 't', data: { usage: { inputTokens: 1000, outputTokens: 234, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.02, requests: 0, toolCalls: 1 } } }),
      event('task.stuck', { taskId: 't', data: { since: '2026-01-01T10:06:00.000Z', reason: 'lease_expired' } }),
      event('task.transitioned', { taskId: 't', data: { from: 'active', to: 'failed', reason: 'gave up', error: { message: 'exit 1' } } }),
    ]);
    assert.deepEqual(words[0], ['created "Build the parser" as pending']);
    assert.equal(words[1]?.[0], `claimed by Builder, lease until ${new Date('2026-01-01T10:05:00.000Z').toLocaleString()}`);
    assert.ok(words[1]?.includes('status pending → assigned'), words[1]?.join(' | '));
    assert.ok(!words[1]?.some((w) => w.includes('secret')), 'the lease token is never said');
    assert.deepEqual(words[2], ['status assigned → active', 'attempt 1']);
    assert.deepEqual(words[3], ['progress 0% → 40%', 'step "compiling"']);
    assert.deepEqual(words[4], ['progress 40% → 60%']);
    assert.deepEqual(words[5], ['log (warn): linking now']);
    assert.deepEqual(words[6], ['usage +1,234 tokens, +$0.02, +1 tool call']);
    assert.deepEqual(words[7], ['stuck: lease expired']);
    assert.ok(words[8]?.includes('status active → failed'));
    assert.ok(words[8]?.includes('reason: gave up'));
    assert.ok(words[8]?.includes('error: exit 1'));
    for (const line of words.flat()) assert.doesNotMatch(line, /_/, line);
  });
});

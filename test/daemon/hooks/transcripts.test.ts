/**
 * Usage from transcripts: the readers on the recorded transcripts of real agents, a torn last line, a missing file, a
 * file rewritten shorter; and the price table.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PRICES } from '../../../daemon/src/integrations/usage/prices.js';
import { TranscriptReader, parseLines } from '../../../daemon/src/integrations/usage/transcriptReader.js';
import { FIXTURES } from './recordedSession.js';

const recorded = (agent: string, scenario: string) => readFileSync(join(FIXTURES, agent, `${scenario}.transcript.jsonl`), 'utf8');

describe('usage: transcript readers', () => {
  const cases = [
    { agent: 'claude-code', ids: ['msg_fake_0001', 'msg_fake_0002'], first: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 60, model: 'claude-opus-5-5', requestId: 'req_fake_0001' } },
    { agent: 'codex', ids: ['resp_fake_1', 'resp_fake_2'], first: { requestId: 'resp_fake_1', inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 0 } },
    { agent: 'gemini-cli', ids: ['3b7998cb-897e-4d80-87fe-4214297d171c', '27a96544-a984-4ea2-a642-12cc3edc6216'], first: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 400, cacheWriteTokens: 0, model: 'gemini-3.1-pro-preview' } },
  ] as const;

  for (const c of cases) {
    it(`${c.agent}: one record per model request of the recorded session, repeats of a message once`, () => {
      const requests = parseLines(recorded(c.agent, 'bash-turn'), c.agent);
      assert.deepEqual(requests.map((r) => r.id), c.ids);
      const { id: _id, at, costUsd, ...first } = requests[0] ?? { id: '' };
      assert.deepEqual({ ...first }, { ...c.first });
      assert.ok(typeof at === 'number' && at > Date.parse('2026-01-01'));
      assert.equal(costUsd, undefined, 'the fake model has no price');
    });
  }

  it('follows a file as it grows: a torn last line waits, a missing file gives nothing, a shorter file starts over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-tracker-transcript-'));
    const path = join(dir, 's.jsonl');
    const reader = new TranscriptReader();
    assert.deepEqual(await reader.readNew(path, 'claude-code'), []);
    const line = (id: string) =>
      JSON.stringify({ type: 'assistant', timestamp: '2026-11-27T10:00:00.000Z', message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 1000, output_tokens: 100 } } });
    const whole = line('m1');
    writeFileSync(path, `${whole}\n${line('m2').slice(0, 40)}`);
    assert.deepEqual((await reader.readNew(path, 'claude-code')).map((r) => r.id), ['m1']);
    appendFileSync(path, `${line('m2').slice(40)}\n`);
    const [m2] = await reader.readNew(path, 'claude-code');
    assert.equal(m2?.id, 'm2');
    assert.equal(m2?.costUsd, 0.0045, '1000 input at $3/M + 100 output at $15/M');
    assert.deepEqual(await reader.readNew(path, 'claude-code'), []);
    writeFileSync(path, `${line('m3')}\n`);
    assert.deepEqual((await reader.readNew(path, 'claude-code')).map((r) => r.id), ['m3']);
  });

  it('prices: known model families by their id start, unknown models have none', () => {
    const tokens = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 };
    assert.equal(BUILT_IN_PRICES.costOf('claude-sonnet-4-5-20250929', tokens), 22.05);
    assert.equal(BUILT_IN_PRICES.costOf('claude-haiku-4-5', { ...tokens, cacheWriteTokens: 0 }), 6.1);
    assert.equal(BUILT_IN_PRICES.costOf('gpt-5-codex', { ...tokens, cacheWriteTokens: 0 }), 11.375);
    assert.equal(BUILT_IN_PRICES.costOf('models/gemini-2.5-flash', { ...tokens, cacheWriteTokens: 0 }), 2.83);
    assert.equal(BUILT_IN_PRICES.costOf('claude-opus-4-8', tokens), undefined);
    assert.equal(BUILT_IN_PRICES.costOf(undefined, tokens), undefined);
  });
});

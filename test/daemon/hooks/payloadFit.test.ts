/**
 * How the forwarder makes a payload fit the daemon's 1 MiB: a table of payloads and what must survive. (Through the
 * installed command and a real daemon in forwarderIntake.test.ts; here the edge cases, one by one.)
 */
import { strict as assert } from 'node:assert';
import { fitPayload, salvageObject } from '../../../daemon/src/cli/hooks/payloadFit.js';

const BUDGET = 4096;
const size = (text: string) => Buffer.byteLength(text);

describe('hooks: fitting a payload to the daemon’s limit', () => {
  it('a payload that fits is sent byte for byte, not marked', () => {
    const raw = '{"session_id":"s", "prompt":"caf\\u00e9"}';
    const fitted = fitPayload(raw, false, BUDGET);
    assert.equal(fitted.text, raw);
    assert.equal(fitted.truncated, false);
    assert.deepEqual(fitted.value, { session_id: 's', prompt: 'café' });
  });

  const cases: { name: string; raw: string; cut: boolean; keeps: Record<string, unknown> }[] = [
    {
      name: 'one huge field: every field kept, the huge one cut short',
      raw: JSON.stringify({ session_id: 's', tool_response: 'x'.repeat(100_000), hook_event_name: 'PostToolUse' }),
      cut: false,
      keeps: { session_id: 's', hook_event_name: 'PostToolUse' },
    },
    {
      name: 'cut inside a string: the fields before it whole, the start of that one',
      raw: '{"session_id":"s","cwd":"/w","prompt":"Fix the b',
      cut: true,
      keeps: { session_id: 's', cwd: '/w', prompt: 'Fix the b' },
    },
    {
      name: 'cut inside an escape sequence: no half escape',
      raw: '{"session_id":"s","prompt":"a\\u00',
      cut: true,
      keeps: { session_id: 's', prompt: 'a' },
    },
    {
      name: 'cut inside a nested object: the fields before it',
      raw: '{"session_id":"s","tool_input":{"command":"make", "env": {"A": "}"',
      cut: true,
      keeps: { session_id: 's' },
    },
    {
      name: 'cut inside a number: the number is left out (it may miss digits)',
      raw: '{"session_id":"s","duration_ms":12',
      cut: true,
      keeps: { session_id: 's' },
    },
    {
      name: 'a huge array of small items: the top level’s scalar fields',
      raw: JSON.stringify({ session_id: 's', hook_event_name: 'Stop', items: Array.from({ length: 5000 }, (_, i) => i) }),
      cut: false,
      keeps: { session_id: 's', hook_event_name: 'Stop' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fitted = fitPayload(c.raw, c.cut, BUDGET);
      assert.ok(size(fitted.text) <= BUDGET, `${size(fitted.text)} bytes`);
      assert.equal(fitted.truncated, true);
      assert.deepEqual(JSON.parse(fitted.text), fitted.value);
      for (const [key, value] of Object.entries(c.keeps)) assert.deepEqual(fitted.value?.[key], value, key);
      assert.equal(fitted.value?.['truncated'], true);
    });
  }

  it('no half surrogate pair where a string is cut', () => {
    const fitted = fitPayload(JSON.stringify({ session_id: 's', text: '😀'.repeat(50_000) }), false, BUDGET);
    const text = fitted.value?.['text'] as string;
    assert.ok(text.length > 0);
    assert.equal(Buffer.from(text).toString(), text, 'round-trips through UTF-8 unchanged');
  });

  it('text that is not JSON is cut to the budget and left for the daemon to count as unreadable', () => {
    const fitted = fitPayload('not json '.repeat(1000), false, BUDGET);
    assert.equal(fitted.value, undefined);
    assert.ok(size(fitted.text) <= BUDGET);
  });

  it('salvage reads nothing from what is not an object', () => {
    assert.deepEqual(salvageObject('[1,2'), {});
    assert.deepEqual(salvageObject(''), {});
  });
});

import assert from 'node:assert/strict';
import { OutputTail } from '../../../daemon/src/cli/run/outputTail.js';
import { pollUntil } from '../../support/poll.js';

describe('cli: run output tail', () => {
  it('coalesces lines into at most one message per interval, keeping the newest', async () => {
    const sent: string[] = [];
    const tail = new OutputTail(async (m) => void sent.push(m), { intervalMs: 100, maxLines: 3, maxChars: 1000 });
    for (let i = 1; i <= 10; i++) tail.push('stdout', `line ${i}\n`);
    await pollUntil('the first message', () => sent.length === 1 || undefined);
    assert.equal(sent[0], '… 7 line(s) not sent\nline 8\nline 9\nline 10');
    await tail.flush();
    assert.equal(sent.length, 1, 'nothing new: nothing sent');
  });

  it('joins partial chunks per stream, strips colours and carriage-return redraws, and flushes the last partial line', async () => {
    const sent: string[] = [];
    const tail = new OutputTail(async (m) => void sent.push(m), { intervalMs: 10_000, maxLines: 10, maxChars: 1000 });
    tail.push('stdout', 'hel');
    tail.push('stderr', '\u001b[31merror\u001b[0m\n');
    tail.push('stdout', 'lo\nprogress 10%\rprogress 100%\n');
    tail.push('stdout', 'no newline');
    await tail.flush();
    assert.deepEqual(sent, ['error\nhello\nprogress 100%\nno newline']);
  });

  it('a failed send costs only that message', async () => {
    const sent: string[] = [];
    let fail = true;
    const tail = new OutputTail(
      async (m) => {
        if (fail) {
          fail = false;
          throw new Error('daemon away');
        }
        sent.push(m);
      },
      { intervalMs: 20, maxLines: 10, maxChars: 1000 },
    );
    tail.push('stdout', 'lost\n');
    await pollUntil('the failing send', () => !fail || undefined);
    tail.push('stdout', 'kept\n');
    await tail.flush();
    assert.deepEqual(sent, ['kept']);
  });
});

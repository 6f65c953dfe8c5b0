import * as assert from 'node:assert/strict';
import { MAX_PROMPT_CHARS, promptProblem, sendTarget, tmuxSendArgs, whyNotNow, type SendFacts } from '../../../extension/src/model/sendToAgent.js';
import type { Agent, Task } from '../../../extension/src/model/protocol.js';
import { agent, task } from './fixtures.js';

const HOST = 'workstation';
const idle = agent('a', { name: 'Claude Code · api', status: 'idle', meta: { kind: 'claude-code', host: HOST, pid: 4242 } });

function facts(fields: Partial<SendFacts> = {}): SendFacts {
  return { agent: idle, tasks: [], connected: true, host: HOST, ...fields };
}

const turn = (fields: Partial<Task>): Task => task('turn', { agentId: 'a', state: 'active', title: 'Fix the tests', ...fields });
const background = (fields: Partial<Task> = {}): Task =>
  task('bg', { agentId: 'a', state: 'active', title: 'Background: npm run watch', input: { backgroundTask: 'b1', type: 'shell' }, ...fields });

describe('Extension model: Send to Agent', () => {
  describe('whether a prompt may be typed now, and why not in plain words', () => {
    const cases: { name: string; facts: SendFacts; why: RegExp | undefined }[] = [
      { name: 'an idle agent with nothing open', facts: facts(), why: undefined },
      { name: 'its turn and background work both done', facts: facts({ tasks: [turn({ state: 'done' }), background({ state: 'done' })] }), why: undefined },
      { name: 'another agent’s work does not count', facts: facts({ tasks: [turn({ agentId: 'other' })] }), why: undefined },
      { name: 'an unknown agent', facts: facts({ agent: undefined }), why: /^That agent is not known/ },
      { name: 'not connected', facts: facts({ connected: false }), why: /not connected to its daemon, so whether Claude Code · api is idle is not known/ },
      { name: 'an ended session', facts: facts({ agent: { ...idle, status: 'offline' } }), why: /^Claude Code · api is offline: its session ended\.$/ },
      { name: 'another machine', facts: facts({ agent: { ...idle, meta: { ...idle.meta, host: 'ci-runner-7' } } }), why: /runs on ci-runner-7, not on this machine/ },
      { name: 'a session seen without hooks', facts: facts({ agent: { ...idle, meta: { ...idle.meta, seenWithoutHooks: true } } }), why: /without Agent Tracker's hooks/ },
      { name: 'a turn still running, with its step', facts: facts({ tasks: [turn({ step: 'Bash: npm test' })] }), why: /^Claude Code · api is still working: Bash: npm test\. Send when its turn has ended\.$/ },
      { name: 'a turn assigned, without a step', facts: facts({ tasks: [turn({ state: 'assigned' })] }), why: /still working on "Fix the tests"/ },
      { name: 'a paused turn', facts: facts({ tasks: [turn({ state: 'paused' })] }), why: /turn has not ended: "Fix the tests" is paused/ },
      {
        name: 'a question to the user comes first',
        facts: facts({ tasks: [background(), turn({ state: 'paused', needsInput: { kind: 'permission', message: 'Bash(rm -rf build)', since: '2026-01-01T10:00:00.000Z' } })] }),
        why: /^Claude Code · api is waiting for permission: Bash\(rm -rf build\)\. Answer that first\.$/,
      },
      { name: 'the turn ended but background work runs', facts: facts({ tasks: [turn({ state: 'done' }), background()] }), why: /still runs background work \(Background: npm run watch\)/ },
      { name: 'agent text stays plain', facts: facts({ tasks: [turn({ step: 'Edit \u202Efdp.exe [x](command:evil)' })] }), why: /still working: Edit fdp\.exe \[x\]\(command:evil\)/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const why = whyNotNow(c.facts);
        if (c.why === undefined) assert.equal(why, undefined);
        else assert.match(why ?? '(may send)', c.why);
      });
    }
  });

  describe('where the prompt goes', () => {
    const inTmux = (meta: Agent['meta']): Agent => ({ ...idle, meta: { ...idle.meta, ...meta } });
    it('the VS Code terminal first, even when its hooks saw tmux', () => {
      assert.deepEqual(sendTarget(inTmux({ tmuxPane: '%3' }), true), { kind: 'terminal' });
    });
    it('else the tmux pane, on the server whose socket the hooks saw', () => {
      assert.deepEqual(sendTarget(inTmux({ tmuxPane: '%3', tmuxSocket: '/tmp/tmux-1000/work' }), false), { kind: 'tmux', pane: '%3', socket: '/tmp/tmux-1000/work' });
      assert.deepEqual(sendTarget(inTmux({ tmuxPane: '%3' }), false), { kind: 'tmux', pane: '%3' });
    });
    it('nowhere without either; a pane or socket not shaped as tmux writes them is not used', () => {
      assert.equal(sendTarget(idle, false), undefined);
      assert.equal(sendTarget(inTmux({ tmuxPane: '%3;kill-server' }), false), undefined);
      assert.deepEqual(sendTarget(inTmux({ tmuxPane: '%3', tmuxSocket: 'relative/sock' }), false), { kind: 'tmux', pane: '%3' });
    });
    it('tmux types the text literally after "--", then presses Enter', () => {
      assert.deepEqual(tmuxSendArgs({ kind: 'tmux', pane: '%3', socket: '/tmp/s' }, '-n $(rm -rf ~)'), [
        ['-S', '/tmp/s', 'send-keys', '-t', '%3', '-l', '--', '-n $(rm -rf ~)'],
        ['-S', '/tmp/s', 'send-keys', '-t', '%3', 'Enter'],
      ]);
      assert.deepEqual(tmuxSendArgs({ kind: 'tmux', pane: '%0' }, 'hi')[1], ['send-keys', '-t', '%0', 'Enter']);
    });
  });

  it('a prompt is one line of text, without control characters, of bounded length', () => {
    assert.equal(promptProblem('run the tests again'), undefined);
    assert.equal(promptProblem('  '), 'Type the prompt to send.');
    assert.equal(promptProblem('first\nsecond'), 'One line of text, without control characters.');
    assert.equal(promptProblem('stop\u001b[2J'), 'One line of text, without control characters.');
    assert.equal(promptProblem('x\u0085'), 'One line of text, without control characters.');
    assert.equal(promptProblem('x'.repeat(MAX_PROMPT_CHARS)), undefined);
    assert.match(promptProblem('x'.repeat(MAX_PROMPT_CHARS + 1)) ?? '', /^At most/);
  });
});

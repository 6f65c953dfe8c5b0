/** Login codes and sessions on a moving clock: a code works once and only within its minute; sessions end. */
import { strict as assert } from 'node:assert';
import { BoardSessions, readCookie, sessionCookieName } from '../../../daemon/src/server/board/sessions.js';

describe('board: login codes and sessions', () => {
  let now = 1_000_000;
  const sessions = () => new BoardSessions({ now: () => now });

  it('a code works once, and not after 60 seconds', () => {
    const s = sessions();
    const early = s.createCode();
    const late = s.createCode();
    assert.equal(early.expiresAt - now, 60_000);
    now += 59_000;
    const session = s.redeem(early.code);
    assert.ok(session);
    assert.equal(s.redeem(early.code), null, 'used once');
    now += 2_000;
    assert.equal(s.redeem(late.code), null, 'expired');
    assert.equal(s.redeem('made-up'), null);
  });

  it('a session ends at its time limit or at logout', () => {
    const s = sessions();
    const a = s.redeem(s.createCode().code) as string;
    const b = s.redeem(s.createCode().code) as string;
    assert.ok(s.isValid(a) && s.isValid(b));
    s.end(b);
    assert.equal(s.isValid(b), false);
    now += s.sessionTtlMs + 1;
    assert.equal(s.isValid(a), false);
    assert.equal(s.isValid(undefined), false);
  });

  it('reads its own cookie by the port-named name only', () => {
    assert.equal(sessionCookieName(7421), 'agent_tracker_session_7421');
    assert.equal(readCookie('a=1; agent_tracker_session_7421=xyz; agent_tracker_session_7422=other', 'agent_tracker_session_7421'), 'xyz');
    assert.equal(readCookie('agent_tracker_session_74210=nope', 'agent_tracker_session_7421'), undefined);
  });
});

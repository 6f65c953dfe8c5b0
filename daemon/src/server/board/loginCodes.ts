/** `POST /v1/login-codes`: a one-time board login for whoever holds the bearer token (`agent-tracker open`). */
import { TrackerError } from '../../protocol/index.js';
import type { Handlers } from '../routes/handlers.js';
import type { BoardSessions } from './sessions.js';

export function loginCodeHandlers(sessions: BoardSessions, url: () => string): Pick<Handlers, 'createLoginCode'> {
  return {
    createLoginCode: (req, res) => {
      // A browser holding a session may not mint codes for others: only the token's holder can.
      if (req.headers.authorization === undefined) throw new TrackerError('unauthorized', 'a login code needs the bearer token');
      const { code, expiresAt } = sessions.createCode();
      res.status(201).json({ code, url: `${url()}/login?code=${code}`, expiresAt: new Date(expiresAt).toISOString() });
    },
  };
}

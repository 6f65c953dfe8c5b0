/** The web board's login: a one-time code a bearer-token client asks for, traded at `/login?code=` for a session. */
import { z } from 'zod';
import { IsoTime } from './schemas.js';

export const LOGIN_CODE_TTL_MS = 60_000;

export const LoginCodeSchema = z.object({
  code: z.string(),
  /** The board's address with the code: open it in a browser. */
  url: z.string(),
  expiresAt: IsoTime,
});
export type LoginCode = z.infer<typeof LoginCodeSchema>;

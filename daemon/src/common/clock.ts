/** Time, injectable so that tests of leases and timeouts need not wait for real time to pass. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Injectable time source so code/token expiry can be tested without waiting. */
export interface EmulatorClock {
  now(): number;
}

/** One clock for both provider sides. */
export const EMULATOR_CLOCK = Symbol('EMULATOR_CLOCK');

export const systemClock: EmulatorClock = { now: () => Date.now() };

/** Lifetime of authorization codes unless configured (Facebook's and Google's are both ~10 minutes). */
export const DEFAULT_CODE_TTL_MS = 10 * 60 * 1000;

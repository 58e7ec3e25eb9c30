import { waitFor } from './built-process';

/** Calls one of the Facebook emulator's test knobs (`/__emulator/*`) and returns its JSON. */
export async function emulatorKnob(
  emulatorUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Emulator knob ${method} ${path}: HTTP ${response.status}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** A stack's `emulatorKnob` (Facebook side). */
type Knob = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * Holds the next `times` calls to a Graph endpoint unanswered until releaseHeld()
 * (the emulator's 'hold' fault): a sign-in that stays pending exactly as long as
 * the test needs, however slow the machine.
 */
export async function holdNext(knob: Knob, endpoint: 'token' | 'me' | 'permissions' = 'token', times = 1) {
  await knob('POST', '/faults', { endpoint, kind: 'hold', times });
}

/** Waits until `count` calls are held: the call the test holds has arrived, and waits on the test. */
export async function waitForHeld(knob: Knob, count = 1): Promise<void> {
  await waitFor(`${count} held Facebook call(s)`, async () => {
    const stats = (await knob('GET', '/stats')) as { heldCalls: number };
    return stats.heldCalls >= count;
  });
}

/** Waits until `count` calls are held, then lets them go on to their usual answers. */
export async function releaseHeld(knob: Knob, count = 1): Promise<void> {
  await waitForHeld(knob, count);
  const { released } = (await knob('POST', '/faults/release')) as { released: number };
  // Fewer than seen: a held call was dropped in between (its client gave up), so it was never answered.
  if (released < count) throw new Error(`Released ${released} held call(s), expected ${count}`);
}

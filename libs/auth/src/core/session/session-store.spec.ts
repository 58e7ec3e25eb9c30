import type { SessionData } from 'express-session';
import { SessionStore } from './session-store';

/** The ioredis calls connect-redis makes, recorded; every key exists. */
function recordingClient() {
  const calls: string[] = [];
  const client = {
    get: async () => null,
    set: async (key: string) => (calls.push(`set ${key}`), 'OK'),
    expire: async (key: string) => (calls.push(`expire ${key}`), 1),
    del: async (keys: string[]) => (calls.push(`del ${keys.join(' ')}`), 1),
    mget: async () => [],
    scanStream: () => undefined,
  };
  return { client, calls };
}

const session = {
  cookie: { expires: new Date(Date.now() + 100_000), originalMaxAge: 100_000 },
} as unknown as SessionData;
const run = (call: (done: (error?: unknown) => void) => unknown) =>
  new Promise<void>(
    (resolve, reject) =>
      void call((error) =>
        error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(),
      ),
  );

describe(SessionStore.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('skips the touch of a session it wrote less than 1 % of the idle timeout ago, and touches it after', async () => {
    const { client, calls } = recordingClient();
    const store = new SessionStore({ client, prefix: 's:', idleTimeoutMs: 100_000 });
    await run((done) => store.set('a', session, done));
    jest.advanceTimersByTime(999);
    await run((done) => store.touch('a', session, done));
    expect(calls).toEqual(['set s:a']);
    jest.advanceTimersByTime(1);
    await run((done) => store.touch('a', session, done));
    await run((done) => store.touch('a', session, done));
    expect(calls).toEqual(['set s:a', 'expire s:a']);
  });

  it('touches a session it has not seen, and one it destroyed and was given again', async () => {
    const { client, calls } = recordingClient();
    const store = new SessionStore({ client, prefix: 's:', idleTimeoutMs: 100_000 });
    await run((done) => store.touch('b', session, done));
    await run((done) => store.set('c', session, done));
    await run((done) => store.destroy('c', done));
    await run((done) => store.touch('c', session, done));
    expect(calls).toEqual(['expire s:b', 'set s:c', 'del s:c', 'expire s:c']);
  });

  it('remembers nothing once it has failed, and forgets sessions older than the slack', async () => {
    const { client, calls } = recordingClient();
    client.set = async () => {
      throw new Error('Connection is closed');
    };
    const store = new SessionStore({ client, prefix: 's:', idleTimeoutMs: 100_000 });
    await expect(run((done) => store.set('d', session, done))).rejects.toThrow('Connection is closed');
    await run((done) => store.touch('d', session, done));
    expect(calls).toEqual(['expire s:d']);
    for (let i = 0; i < 5; i++) await run((done) => store.touch(`old${i}`, session, done));
    jest.advanceTimersByTime(1000);
    await run((done) => store.touch('new', session, done));
    expect(store.remembered).toBe(1);
  });
});

import Redis from 'ioredis';
import { UNHEARD_EVENT_PUBLISHES, useLeanQueueScripts, withoutStatements } from './lean-bull-scripts';

/** Bull's own script definitions, as it hands them to ioredis. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bullScripts = require('bull/lib/scripts/index') as Record<
  string,
  { name: string; content: string; keys: number }
>;

type Scripts = Record<string, { lua: string; numberOfKeys: number | null } | undefined>;

/** A client with Bull's scripts defined as Bull defines them; it never connects. */
function clientWithBullScripts(): Redis {
  const client = new Redis({ lazyConnect: true });
  for (const script of Object.values(bullScripts)) {
    client.defineCommand(script.name, { numberOfKeys: script.keys, lua: script.content });
  }
  return client;
}

const scriptsOf = (client: Redis) => (client as unknown as { scriptsSet: Scripts }).scriptsSet;
const publishes = (lua: string) =>
  lua
    .split('\n')
    .filter((line) => /rcall\("PUBLISH"/.test(line))
    .map((line) => line.trim());

describe(useLeanQueueScripts.name, () => {
  it("drops exactly the event publishes nobody hears from this Bull's per-job scripts", () => {
    const client = clientWithBullScripts();
    const before = { ...scriptsOf(client) };
    expect(useLeanQueueScripts({ client } as never)).toEqual({
      lean: ['addJob', 'moveToActive', 'moveToFinished', 'updateDelaySet'],
      unchanged: [],
    });
    const after = scriptsOf(client);
    for (const [name, statements] of Object.entries(UNHEARD_EVENT_PUBLISHES)) {
      const lua = after[name]!.lua;
      for (const statement of statements) expect(lua).not.toContain(statement);
      expect(after[name]!.numberOfKeys).toBe(before[name]!.numberOfKeys);
      // Only those lines went: everything else is Bull's script as it was.
      expect(lua.split('\n')).toHaveLength(before[name]!.lua.split('\n').length);
    }
    // A retry's backoff still wakes the workers, a duplicate is still announced.
    expect(publishes(after.addJob!.lua)).toEqual([
      'rcall("PUBLISH", prefixKey .. "debounced@" .. token, currentDebounceJobId)',
      'rcall("PUBLISH", ARGV[1] .. "duplicated@" .. ARGV[11], jobId)',
      'rcall("PUBLISH", KEYS[5], delayedTimestamp)',
    ]);
    expect(publishes(after.moveToActive!.lua)).toEqual(['rcall("PUBLISH", KEYS[7], timestamp)']);
    expect(publishes(after.moveToFinished!.lua)).toEqual([]);
    expect(publishes(after.updateDelaySet!.lua)).toEqual(['rcall("PUBLISH", KEYS[1], nextTimestamp / 0x1000)']);
    // Every other script is Bull's.
    for (const name of Object.keys(before).filter((n) => !(n in UNHEARD_EVENT_PUBLISHES))) {
      expect(after[name]).toBe(before[name]);
    }
    client.disconnect();
  });

  it('is idempotent', () => {
    const client = clientWithBullScripts();
    const first = useLeanQueueScripts({ client } as never);
    const lua = scriptsOf(client).moveToActive!.lua;
    expect(useLeanQueueScripts({ client } as never)).toEqual(first);
    expect(scriptsOf(client).moveToActive!.lua).toBe(lua);
    client.disconnect();
  });

  it('leaves a script of another Bull version as it is', () => {
    const client = new Redis({ lazyConnect: true });
    client.defineCommand('moveToActive', { numberOfKeys: 8, lua: 'redis.call("PUBLISH", KEYS[4], ARGV[1])' });
    const before = scriptsOf(client).moveToActive;
    expect(useLeanQueueScripts({ client } as never)).toEqual({
      lean: [],
      unchanged: ['addJob', 'moveToActive', 'moveToFinished', 'updateDelaySet'],
    });
    expect(scriptsOf(client).moveToActive).toBe(before);
    client.disconnect();
  });
});

describe(withoutStatements.name, () => {
  it('removes each statement once, and refuses a statement that is missing or repeated', () => {
    expect(withoutStatements('a\nB\nc', ['B'])).toBe('a\n-- (event not published: nothing subscribes to it)\nc');
    expect(withoutStatements('a\nc', ['B'])).toBeNull();
    expect(withoutStatements('B\nB', ['B'])).toBeNull();
  });
});

import type Redis from 'ioredis';

/**
 * Who sends the Redis commands of a login: every command under the bench's
 * key prefix, seen by MONITOR (commands run inside a Lua script included,
 * as Redis's INFO commandstats counts them), put down to the part of the
 * product whose keys it touches.
 */
export interface RedisAttribution {
  logins: number;
  /** Commands per login by owner, and by owner and command. */
  perLogin: Record<string, number>;
  byCommand: Record<string, Record<string, number>>;
}

/** Key segments after the prefix → the part of the product that owns them. */
const OWNERS: Array<[RegExp, string]> = [
  [/^bull:/, 'Bull (the login queue)'],
  [/^(sess|user-sessions):/, 'sessions (express-session, the sign-in, the per-user set)'],
  [/^throttle:/, 'rate limit'],
  [/^exchange-lease:/, 'exchange lease'],
  [/^state-used:/, 'state claim (one callback per state)'],
  [/^operation-status$/, 'status publish'],
];

function ownerOf(args: string[], prefix: string): string | undefined {
  const marker = `${prefix}:`;
  const key = args.slice(1).find((arg) => arg.startsWith(marker));
  if (!key) return undefined;
  const rest = key.slice(marker.length);
  return OWNERS.find(([pattern]) => pattern.test(rest))?.[1] ?? `other (${rest.split(':')[0]})`;
}

/** Runs `logins` (which performs `count` logins) with MONITOR on, and attributes what it saw. */
export async function attributeRedisCommands(
  redis: Redis,
  prefix: string,
  count: number,
  logins: () => Promise<void>,
): Promise<RedisAttribution> {
  const monitor = await redis.duplicate().monitor();
  const seen = new Map<string, Map<string, number>>();
  monitor.on('monitor', (_time: string, args: string[]) => {
    const owner = ownerOf(args, prefix);
    if (!owner) return;
    const command = args[0].toLowerCase();
    const commands = seen.get(owner) ?? new Map<string, number>();
    commands.set(command, (commands.get(command) ?? 0) + 1);
    seen.set(owner, commands);
  });
  try {
    await logins();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last lines
  } finally {
    monitor.disconnect();
  }
  const perOne = (n: number) => Math.round((n / count) * 100) / 100;
  const perLogin: Record<string, number> = {};
  const byCommand: Record<string, Record<string, number>> = {};
  for (const [owner, commands] of [...seen].sort((a, b) => total(b[1]) - total(a[1]))) {
    perLogin[owner] = perOne(total(commands));
    byCommand[owner] = Object.fromEntries([...commands].sort((a, b) => b[1] - a[1]).map(([c, n]) => [c, perOne(n)]));
  }
  return { logins: count, perLogin, byCommand };
}

const total = (commands: Map<string, number>) => [...commands.values()].reduce((a, b) => a + b, 0);

/** Markdown: owner | commands per login | which. */
export function attributionTable(a: RedisAttribution): string {
  const lines = [
    `Redis commands of one sse login by the part that sends them (MONITOR, ${a.logins} logins one at a time, commands inside Lua scripts counted):`,
    '',
    '| owner | commands per login | of which |',
    '| --- | ---: | --- |',
  ];
  for (const [owner, n] of Object.entries(a.perLogin)) {
    const which = Object.entries(a.byCommand[owner])
      .map(([c, k]) => `${c} ${k}`)
      .join(', ');
    lines.push(`| ${owner} | ${n} | ${which} |`);
  }
  const sum = Object.values(a.perLogin).reduce((x, y) => x + y, 0);
  lines.push(`| **total** | **${Math.round(sum * 100) / 100}** | |`);
  return lines.join('\n');
}

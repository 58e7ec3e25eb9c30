import {
  assertReachable,
  ServiceUnreachableError,
  type Reachability,
} from './service-reachability';

const mysql: Reachability = {
  service: 'MySQL',
  target: '127.0.0.1:3306',
  setting: 'DATABASE_URL',
  problem: 'ECONNREFUSED',
};
const redis: Reachability = {
  service: 'Redis',
  target: '127.0.0.1:6379',
  setting: 'REDIS_URL',
  problem: 'ECONNREFUSED',
};

describe(assertReachable.name, () => {
  it('passes when everything answers', async () => {
    await expect(
      assertReachable([Promise.resolve({ ...mysql, problem: null })]),
    ).resolves.toBeUndefined();
  });

  it('names every service that is down in one line, and how to start them', async () => {
    const error = (await assertReachable([
      Promise.resolve(mysql),
      Promise.resolve(redis),
    ]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error.message).toBe(
      'cannot reach MySQL at 127.0.0.1:3306 (ECONNREFUSED) and Redis at 127.0.0.1:6379 (ECONNREFUSED): ' +
        'start them with `docker compose up -d` or the local services, or fix DATABASE_URL / REDIS_URL',
    );
    expect(error.stack).toBe(error.message);
  });

  it('gives its own advice for a service that answers but refuses', async () => {
    const refused = {
      ...mysql,
      problem: 'access denied for root',
      hint: 'fix the user or password in DATABASE_URL',
    };
    const error = (await assertReachable([Promise.resolve(refused)]).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe(
      'MySQL at 127.0.0.1:3306 refused (access denied for root): fix the user or password in DATABASE_URL',
    );
    expect(error.message).not.toContain('\n');
  });
});

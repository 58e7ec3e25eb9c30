import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { assertReachable, ServiceUnreachableError, withTimeout, type Reachability } from './service-reachability';

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
    await expect(assertReachable([Promise.resolve({ ...mysql, problem: null })])).resolves.toBeUndefined();
  });

  it('names every service that is down in one line, and how to start them', async () => {
    const error = (await assertReachable([Promise.resolve(mysql), Promise.resolve(redis)]).catch(
      (e: unknown) => e,
    )) as Error;
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
    const error = (await assertReachable([Promise.resolve(refused)]).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'MySQL at 127.0.0.1:3306 refused (access denied for root): fix the user or password in DATABASE_URL',
    );
    expect(error.message).not.toContain('\n');
  });
});

describe(withTimeout.name, () => {
  // An echo server in another process: its answer arrives while this process is stalled, as Redis's would.
  let server: ChildProcess;
  let socket: Socket;
  beforeAll(async () => {
    server = spawn(process.execPath, [
      '-e',
      "const s = require('net').createServer((c) => c.on('data', (d) => c.write(d))); s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ]);
    const port = await new Promise<number>((resolve) => server.stdout!.once('data', (data) => resolve(Number(data))));
    socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
  });
  afterAll(() => {
    socket.destroy();
    server.kill();
  });

  it('rejects with the given message when nothing answers in time', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'Redis did not take the job in time')).rejects.toThrow(
      'Redis did not take the job in time',
    );
  });

  it('lets an answer that arrived during an event-loop stall win over the late timer', async () => {
    // Inside an I/O callback, as a request handler would be: after it, libuv runs the due
    // timers of the next turn before it reads the echo that arrived during the stall.
    const answer = new Promise<string>((resolve, reject) =>
      stat(__filename, () => {
        const pending = withTimeout(
          once(socket, 'data').then(([data]) => String(data)),
          10,
        );
        socket.write('x');
        // Long enough for the other process to echo even on a busy machine.
        const until = Date.now() + 300;
        while (Date.now() < until);
        pending.then(resolve, reject);
      }),
    );
    await expect(answer).resolves.toBe('x');
  });
});

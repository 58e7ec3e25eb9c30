import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { WorkerHealthApp } from '../../apps/worker/src/worker-health.app';
import { signIn } from '../support/login-flow';
import { TestStack } from '../support/test-stack';

/** An address of this machine other than loopback, to knock on the health port from "outside". */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
}

const reachable = async (host: string, port: number): Promise<boolean> => {
  try {
    return (await fetch(`http://${host}:${port}/health/live`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
};

const external = externalAddress();
// Without a second interface there is nothing to knock from; the bound address is still checked.
const withExternal = external ? it : it.skip;

describe.each([
  ['unset (the default)', {}, '127.0.0.1', false],
  ['WORKER_HEALTH_HOST=0.0.0.0', { WORKER_HEALTH_HOST: '0.0.0.0' }, '0.0.0.0', true],
] as const)("The worker's health port with WORKER_HEALTH_HOST %s", (_label, env, boundTo, fromOutside) => {
  let stack: TestStack;
  let server: WorkerHealthApp;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { WORKER_HEALTH_PORT: '0', ...env } });
    server = stack.worker!.get(WorkerHealthApp);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`listens on ${boundTo} and answers on loopback`, async () => {
    expect(server.host).toBe(boundTo);
    expect(await reachable('127.0.0.1', server.port!)).toBe(true);
  });

  withExternal(`is ${fromOutside ? '' : 'not '}reachable on another interface`, async () => {
    expect(await reachable(external!, server.port!)).toBe(fromOutside);
  });
});

describe("The worker's health port already taken", () => {
  let stack: TestStack;
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    port = (squatter.address() as { port: number }).port;
    stack = await TestStack.start({ env: { WORKER_HEALTH_PORT: String(port) } });
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => squatter?.close(resolve));
  });

  it('serves no probes, and the worker keeps processing sign-ins', async () => {
    expect(stack.worker!.get(WorkerHealthApp).port).toBeUndefined();
    const user = await signIn(stack, stack.browser(), DEFAULT_TEST_USERS[0].id);
    expect(user).toMatchObject({ firstName: 'Alice' });
  });
});

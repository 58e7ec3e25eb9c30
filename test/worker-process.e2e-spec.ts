import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { signIn } from './support/login-flow';
import { TestStack } from './support/test-stack';

const [alice] = DEFAULT_TEST_USERS;

describe('A worker in another process than the API (the built dist/apps/worker)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'child-process' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('exchanges the code there, and the status event still reaches the API stream', async () => {
    const user = await signIn(stack, stack.browser(), alice.id);
    expect(user).toMatchObject({ firstName: 'Alice', email: 'alice@example.com' });
    expect(stack.worker).toBeUndefined();
    expect(stack.workerProcess?.running).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    // Nest runs the shutdown hooks (Bull closes, connections end), then re-raises the signal.
    const { code, signal } = await stack.workerProcess!.signal('SIGTERM');
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
  });
});

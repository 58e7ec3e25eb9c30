import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { launchChromium, screenshot } from '../support/chromium';
import { TestStack } from '../support/test-stack';

const [alice, bob, zoe] = DEFAULT_TEST_USERS;

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * A person signing in through the built SPA in real Chromium, against the
 * API, a worker and the emulator on the real MariaDB and Redis.
 */
describe('Signing in through the SPA in Chromium', () => {
  let stack: TestStack;
  let chromium: Browser;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SERVE_CLIENT: 'true' } });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.settle();
  });

  async function newPage(
    viewport: keyof typeof VIEWPORTS,
  ): Promise<{ context: BrowserContext; page: Page; foreign: string[] }> {
    const context = await chromium.newContext({ viewport: VIEWPORTS[viewport] });
    const page = await context.newPage();
    const foreign: string[] = [];
    const allowed = [new URL(stack.apiUrl).origin, new URL(stack.emulatorUrl).origin];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['http:', 'https:'].includes(url.protocol)) return;
      if (!allowed.includes(url.origin)) foreign.push(request.url());
    });
    return { context, page, foreign };
  }

  /** Home → "Continue with Facebook" → the emulator's dialog → "Continue as …". */
  async function throughTheDialog(page: Page, shots: string, firstName: string): Promise<void> {
    await page.goto(stack.apiUrl + '/');
    const cta = page.getByRole('link', { name: 'Continue with Facebook' });
    await cta.waitFor();
    await screenshot(page, `${shots}-1-signed-out-home`);
    await cta.click();
    await page.waitForURL((url) => url.origin === new URL(stack.emulatorUrl).origin);
    const choose = page.getByRole('button', { name: `Continue as ${firstName}` });
    await choose.waitFor();
    await screenshot(page, `${shots}-2-facebook-dialog`);
    await choose.click();
  }

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`signs in, stays signed in on reload, and logs out (${viewport})`, async () => {
      // The token call is held while the test looks at the preloader, however slow the machine.
      await stack.holdNext('token');
      const { context, page, foreign } = await newPage(viewport);
      try {
        await throughTheDialog(page, `${viewport}-sign-in`, alice.first_name);

        await page.getByRole('heading', { name: 'Signing you in' }).waitFor();
        await page.getByText('Talking to Facebook…').waitFor();
        await screenshot(page, `${viewport}-sign-in-3-pending`);
        expect(await page.title()).toMatch(/Signing you in/);
        await stack.releaseHeld();

        const greeting = page.getByRole('heading', { name: `Hi, ${alice.first_name}!` });
        await greeting.waitFor({ timeout: 20000 });
        await screenshot(page, `${viewport}-sign-in-4-signed-in`);
        expect(new URL(page.url()).pathname).toBe('/');
        expect(new URL(page.url()).hash).toBe('');
        await page.getByText(alice.email!).waitFor();

        await page.reload();
        await greeting.waitFor();
        await screenshot(page, `${viewport}-sign-in-5-after-reload`);

        await page.getByRole('button', { name: 'Log out' }).click();
        await page.getByRole('link', { name: 'Continue with Facebook' }).waitFor();
        await screenshot(page, `${viewport}-sign-in-6-logged-out`);
        const me = await page.request.get(stack.apiUrl + '/api/me');
        expect(me.status()).toBe(401);

        expect(foreign).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('shows a plain sentence when the person presses Cancel on Facebook', async () => {
    const { context, page } = await newPage('desktop');
    try {
      await page.goto(stack.apiUrl + '/');
      await page.getByRole('link', { name: 'Continue with Facebook' }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
      await page.getByText('You cancelled the sign-in on Facebook').waitFor();
      await page.getByRole('link', { name: 'Try again' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/login/error');
      await screenshot(page, 'desktop-cancel-error-page');
    } finally {
      await context.close();
    }
  });

  it('lands signed in after a reload in the middle of a slow exchange', async () => {
    // The token call is held until the reloaded page shows the preloader again.
    await stack.holdNext('token');
    const { context, page } = await newPage('phone');
    try {
      await throughTheDialog(page, 'phone-reload-pending', bob.first_name);
      await page.getByText('Talking to Facebook…').waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Signing you in' }).waitFor();
      await screenshot(page, 'phone-reload-pending-3-reloaded');
      await stack.releaseHeld();
      await page.getByRole('heading', { name: `Hi, ${bob.first_name}!` }).waitFor({ timeout: 20000 });
      await page.getByText("Facebook didn't share an e-mail address.").waitFor();
      await screenshot(page, 'phone-reload-pending-4-signed-in-without-email');
    } finally {
      await context.close();
    }
  });

  it('signs in with Google, and links Facebook to that person from the signed-in page', async () => {
    const { context, page, foreign } = await newPage('desktop');
    try {
      await page.goto(stack.apiUrl + '/');
      await page.getByRole('link', { name: 'Continue with Google' }).click();
      await page.waitForURL((url) => url.origin === new URL(stack.emulatorUrl).origin);
      const choose = page.getByRole('button', { name: 'Continue as Grace' });
      await choose.waitFor();
      await screenshot(page, 'desktop-google-1-account-chooser');
      await choose.click();
      const greeting = page.getByRole('heading', { name: 'Hi, Grace!' });
      await greeting.waitFor({ timeout: 20000 });
      await page.getByText('grace.hopper@example.net').waitFor();
      await screenshot(page, 'desktop-google-2-signed-in');

      // Linking Facebook: through Facebook's dialog and back, signed in as the same person.
      await page.getByRole('link', { name: 'Link Facebook' }).click();
      const facebookChoice = page.getByRole('button', { name: `Continue as ${zoe.first_name}` });
      await facebookChoice.waitFor();
      await facebookChoice.click();
      await greeting.waitFor({ timeout: 20000 });
      await page.getByRole('link', { name: 'Link Facebook' }).waitFor({ state: 'detached' });
      await screenshot(page, 'desktop-google-3-facebook-linked');
      const me = await page.request.get(stack.apiUrl + '/api/me');
      expect(await me.json()).toMatchObject({ firstName: 'Grace', providers: ['facebook', 'google'] });
      expect(foreign).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sends /login/pending home when no sign-in is in progress', async () => {
    const { context, page } = await newPage('desktop');
    try {
      await page.goto(stack.apiUrl + '/login/pending');
      await page.getByRole('link', { name: 'Continue with Facebook' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');
    } finally {
      await context.close();
    }
  });
});

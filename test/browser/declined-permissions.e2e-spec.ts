import type { Browser, Page } from 'playwright-core';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { launchChromium, screenshot } from '../support/chromium';
import { TestStack } from '../support/test-stack';

const [alice] = DEFAULT_TEST_USERS;

/**
 * The person who keeps their e-mail to themselves on Facebook's dialog, then
 * shares it after all, through the built SPA in real Chromium (API, worker,
 * emulator, MariaDB, Redis).
 */
describe('Declining the e-mail, then sharing it, in Chromium', () => {
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

  /** Alice's "Edit access" box for her e-mail on the emulator's dialog. */
  const aliceEmailBox = (page: Page) =>
    page
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: `Continue as ${alice.first_name}` }) })
      .getByRole('checkbox', { name: 'Email address' });

  it('unticks the e-mail, is offered to share it, re-asks with it ticked, and shows it and the picture', async () => {
    const context = await chromium.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const emulatorOrigin = new URL(stack.emulatorUrl).origin;
    const foreign: string[] = [];
    const cspViolations: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (['http:', 'https:'].includes(url.protocol) && ![stack.apiUrl, emulatorOrigin].includes(url.origin))
        foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    try {
      await page.goto(stack.apiUrl + '/');
      await page.getByRole('link', { name: 'Continue with Facebook' }).click();
      await page.waitForURL((url) => url.origin === emulatorOrigin);
      const box = aliceEmailBox(page);
      expect(await box.isChecked()).toBe(true);
      await box.uncheck();
      await screenshot(page, 'declined-1-email-unticked');
      await page.getByRole('button', { name: `Continue as ${alice.first_name}` }).click();

      await page.getByRole('heading', { name: `Hi, ${alice.first_name}!` }).waitFor({ timeout: 20000 });
      await page.getByText('You chose not to share your e-mail address on Facebook.').waitFor();
      const share = page.getByRole('link', { name: 'Share your e-mail' });
      await screenshot(page, 'declined-2-share-offered');
      await share.click();

      await page.waitForURL((url) => url.origin === emulatorOrigin);
      expect(new URL(page.url()).searchParams.get('auth_type')).toBe('rerequest');
      expect(await aliceEmailBox(page).isChecked()).toBe(true);
      await screenshot(page, 'declined-3-asked-again');
      await page.getByRole('button', { name: `Continue as ${alice.first_name}` }).click();

      await page.getByRole('heading', { name: `Hi, ${alice.first_name}!` }).waitFor({ timeout: 20000 });
      await page.getByText(alice.email!).waitFor();
      expect(await page.getByRole('link', { name: 'Share your e-mail' }).count()).toBe(0);

      const picture = page.getByRole('img', { name: `Profile picture of ${alice.first_name} ${alice.last_name}` });
      await picture.waitFor();
      expect(new URL((await picture.getAttribute('src'))!).origin).toBe(emulatorOrigin);
      // Loaded under the API's CSP, not merely in the DOM: its width once it has loaded (0 if it failed).
      const naturalWidth = await picture.evaluate(
        (el) =>
          new Promise<number>((resolve) => {
            const img = el as unknown as {
              complete: boolean;
              naturalWidth: number;
              addEventListener(type: string, listener: () => void): void;
            };
            if (img.complete) return resolve(img.naturalWidth);
            img.addEventListener('load', () => resolve(img.naturalWidth));
            img.addEventListener('error', () => resolve(0));
          }),
      );
      expect(naturalWidth).toBeGreaterThan(0);
      await screenshot(page, 'declined-4-email-and-picture');

      expect(cspViolations).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

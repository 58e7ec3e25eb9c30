import { EXCHANGE_QUEUE } from '@app/auth';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../support/chromium';
import { TestStack } from '../support/test-stack';

const ADMIN_USER = 'support';
const ADMIN_PASSWORD = 'correct horse battery staple';

/**
 * The two third-party UIs the API serves, in real Chromium under the API's
 * CSP: Swagger UI at /api/docs and the queue dashboard at /admin/queues.
 * They must render, load nothing from another origin, and break no policy.
 */
describe('Swagger UI and the queue dashboard in Chromium', () => {
  let stack: TestStack;
  let chromium: Browser;

  beforeAll(async () => {
    stack = await TestStack.start({
      env: { ADMIN_USER, ADMIN_PASSWORD },
      worker: 'none',
    });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  async function open(path: string, credentials?: { username: string; password: string }) {
    const context = await chromium.newContext({
      viewport: { width: 1280, height: 800 },
      httpCredentials: credentials,
    });
    const page: Page = await context.newPage();
    const violations: string[] = [];
    const foreign: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (['http:', 'https:'].includes(url.protocol) && url.origin !== new URL(stack.apiUrl).origin)
        foreign.push(url.href);
    });
    await page.goto(stack.apiUrl + path);
    return { context, page, violations, foreign };
  }

  it('renders the API document at /api/docs', async () => {
    const { context, page, violations, foreign } = await open('/api/docs');
    try {
      await page.waitForSelector('.opblock-summary', { timeout: 20000 });
      expect(await page.locator('.opblock-summary').count()).toBeGreaterThan(10);
      expect(await page.getByText('/api/auth/operation/events', { exact: true }).count()).toBe(1);
      await screenshot(page, 'desktop-api-docs');
      expect(violations).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders the queue dashboard for the admin, with nothing from elsewhere', async () => {
    const { context, page, violations, foreign } = await open('/admin/queues', {
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
    });
    try {
      await page.waitForSelector(`text=${EXCHANGE_QUEUE}`, { timeout: 20000 });
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'desktop-queue-dashboard');
      // Its stylesheet asks for Google Fonts; the CSP refuses, and the dashboard still works.
      expect(violations.filter((v) => !/fonts\.googleapis\.com/.test(v))).toEqual([]);
      expect(foreign.filter((url) => !/fonts\.googleapis\.com/.test(url))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

import { describe, expect, it, vi } from 'vitest';
import { describeBrowser, formatSignInTime, getSignIns } from './signIns';

const UA = {
  headless:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  firefoxLinux:
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  samsung:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
};

describe('describeBrowser', () => {
  it.each([
    [UA.chromeWindows, 'Chrome on Windows'],
    [UA.edgeWindows, 'Edge on Windows'],
    [UA.firefoxLinux, 'Firefox on Linux'],
    [UA.safariIphone, 'Safari on iPhone'],
    [UA.chromeAndroid, 'Chrome on Android'],
    [UA.safariMac, 'Safari on macOS'],
    [UA.samsung, 'Samsung Internet on Android'],
    [UA.headless, 'Chrome on Linux'],
  ])('reads %s as %s', (userAgent, expected) => {
    expect(describeBrowser(userAgent)).toBe(expected);
  });

  it('says so when there is nothing to read', () => {
    expect(describeBrowser(null)).toBe('An unknown browser');
    expect(describeBrowser('   ')).toBe('An unknown browser');
  });

  it('shows an unknown agent as sent, shortened', () => {
    expect(describeBrowser('curl/8.5.0')).toBe('curl/8.5.0');
    expect(describeBrowser('x'.repeat(100))).toBe(`${'x'.repeat(39)}…`);
  });
});

describe('formatSignInTime', () => {
  it('formats the moment in the given locale and time zone', () => {
    expect(
      formatSignInTime('2026-03-04T05:06:00.000Z', {
        locale: 'en-GB',
        timeZone: 'UTC',
      }),
    ).toBe('4 Mar 2026, 05:06');
  });

  it('copes with a date it cannot read', () => {
    expect(formatSignInTime('not a date')).toBe('At an unknown time');
  });
});

describe('getSignIns', () => {
  it('reads the list from /api/me/sign-ins', async () => {
    const signIns = [
      {
        id: 'a',
        at: '2026-03-04T05:06:00.000Z',
        status: 'ok',
        userAgent: null,
        clientIp: null,
      },
    ];
    const fetchMock = vi.fn(
      async (_url: string) =>
        new Response(JSON.stringify({ signIns }), {
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(getSignIns()).resolves.toEqual(signIns);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/me/sign-ins');
  });
});

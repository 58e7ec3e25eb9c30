import { TestStack } from '../support/test-stack';

describe('The API serving the built SPA (client/dist)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SERVE_CLIENT: 'true' }, worker: 'none' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['/', '/login/pending', '/login/error?reason=timeout', '/some/deep/link'])(
    'answers the SPA route %s with index.html, never cached',
    async (path) => {
      const response = await fetch(stack.apiUrl + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="app">');
    },
  );

  it('caches hashed assets for a year', async () => {
    const html = await (await fetch(stack.apiUrl + '/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const response = await fetch(stack.apiUrl + asset!);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/api/nothing-here', '/auth/nothing-here'])('keeps %s a JSON 404, not the SPA', async (path) => {
    const response = await fetch(stack.apiUrl + path);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

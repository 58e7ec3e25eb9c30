import { describe, expect, it, vi } from 'vitest';
import { HttpError, isHttpError, request } from './http';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('request', () => {
  it('sends JSON same-origin and parses the answer', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { ok: true }));
    vi.stubGlobal('fetch', fetchMock);

    await expect(
      request('/api/auth/logout', { method: 'POST', json: {} }),
    ).resolves.toEqual({ ok: true });

    const [url, init] = fetchMock.mock.calls[0] as unknown as [
      string,
      RequestInit,
    ];
    expect(url).toBe('/api/auth/logout');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{}');
    expect(new Headers(init.headers).get('Content-Type')).toBe(
      'application/json',
    );
  });

  it('resolves a 204 to undefined', async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 204 }));
    await expect(request('/api/auth/logout')).resolves.toBeUndefined();
  });

  it('throws an HttpError with the status and the API body', async () => {
    const body = { statusCode: 401, message: 'Nope', error: 'Unauthorized' };
    vi.stubGlobal('fetch', async () => jsonResponse(401, body));
    const error = await request('/api/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(isHttpError(error, 401)).toBe(true);
    expect((error as HttpError).apiError).toEqual(body);
    expect((error as HttpError).message).toBe('Nope');
  });

  it('throws an HttpError with status 0 when there is no answer', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(request('/api/me')).rejects.toMatchObject({ status: 0 });
  });
});

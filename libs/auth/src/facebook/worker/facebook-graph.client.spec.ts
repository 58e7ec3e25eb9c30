import { createHmac } from 'node:crypto';
import type { ConfigService } from '@nestjs/config';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { BaseEnv } from '@app/config';
import { FacebookApiError } from './facebook-api.error';
import { FacebookGraphClient } from './facebook-graph.client';
import { ReasonCode } from '../../core/reason-codes';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, nth: { onSocket: number }) => void;

/** A Graph host on localhost whose answers each test writes; counts connections. */
async function graphHost(handler: Handler) {
  let connections = 0;
  const sockets = new Set<Socket>();
  const perSocket = new WeakMap<Socket, number>();
  const server = http.createServer((req, res) => {
    const onSocket = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, onSocket);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      (req as http.IncomingMessage & { body: string }).body = body;
      handler(req, res, { onSocket });
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Where the test's stand-in serves pictures, as a browser reaches it (FACEBOOK_WEB_URL). */
const PICTURES = 'http://localhost:3001';

function client(graphUrl: string, timeoutMs = 1000) {
  const settings: Record<string, unknown> = {
    FACEBOOK_WEB_URL: PICTURES,
    FACEBOOK_GRAPH_URL: graphUrl,
    FACEBOOK_GRAPH_VERSION: 'v25.0',
    FACEBOOK_APP_ID: '1234',
    FACEBOOK_APP_SECRET: 'app-secret-0123',
    PUBLIC_URL: 'http://localhost:3000',
    FACEBOOK_TIMEOUT_MS: timeoutMs,
  };
  const graph = new FacebookGraphClient({ get: (key: string) => settings[key] } as unknown as ConfigService<
    BaseEnv,
    true
  >);
  return graph;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const answerLikeFacebook: Handler = (req, res) => {
  if (req.url?.startsWith('/v25.0/oauth/access_token'))
    json(res, 200, { access_token: 'EAAB-token', token_type: 'bearer' });
  else if (req.url?.startsWith('/v25.0/me/permissions'))
    json(res, 200, {
      data: [
        { permission: 'public_profile', status: 'granted' },
        { permission: 'email', status: 'granted' },
      ],
    });
  else
    json(res, 200, { id: '10000000000000001', first_name: 'Alice', last_name: 'Example', email: 'alice@example.com' });
};

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (error: unknown) => error,
  );

describe(FacebookGraphClient.name, () => {
  const hosts: Array<{ close(): Promise<void> }> = [];
  const clients: FacebookGraphClient[] = [];
  const host = async (handler: Handler) => {
    const h = await graphHost(handler);
    hosts.push(h);
    return h;
  };
  const graphFor = (url: string, timeoutMs?: number) => {
    const graph = client(url, timeoutMs);
    clients.push(graph);
    return graph;
  };
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.agent.destroy());
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });

  it('asks /me for the fields a host adds, and hands them over by the name Graph answers under', async () => {
    let fields: string | null = null;
    const facebook = await host((req, res) => {
      fields = new URL(req.url!, 'http://graph').searchParams.get('fields');
      json(res, 200, {
        id: '1',
        first_name: 'A',
        birthday: '08/15/1990',
        picture: { data: { url: 'https://p/1.jpg' } },
      });
    });
    const settings: Record<string, unknown> = {
      FACEBOOK_WEB_URL: PICTURES,
      FACEBOOK_GRAPH_URL: facebook.url,
      FACEBOOK_GRAPH_VERSION: 'v25.0',
      FACEBOOK_APP_SECRET: 'app-secret-0123',
      FACEBOOK_TIMEOUT_MS: 1000,
    };
    const graph = new FacebookGraphClient(
      { get: (key: string) => settings[key] } as unknown as ConfigService<BaseEnv, true>,
      {
        extraFields: ['birthday', 'picture.type(large)', 'email'],
      },
    );
    clients.push(graph);
    const profile = await graph.fetchProfile('t');
    expect(fields).toBe('id,email,first_name,last_name,picture.type(large),birthday');
    expect(profile.extra).toEqual({ birthday: '08/15/1990', picture: { data: { url: 'https://p/1.jpg' } } });
  });

  it('exchanges the code and reads /me and /me/permissions over one kept-alive connection, login after login', async () => {
    const seen: Array<{ method?: string; url?: string; body: string; authorization?: string }> = [];
    const facebook = await host((req, res, nth) => {
      seen.push({
        method: req.method,
        url: req.url,
        body: (req as unknown as { body: string }).body,
        authorization: req.headers.authorization,
      });
      answerLikeFacebook(req, res, nth);
    });
    const graph = graphFor(facebook.url);
    for (let i = 0; i < 5; i++) {
      const token = await graph.exchangeCode('the-code', 'the-verifier');
      expect(token).toBe('EAAB-token');
      expect(await graph.fetchProfile(token)).toEqual({
        facebookId: '10000000000000001',
        firstName: 'Alice',
        lastName: 'Example',
        email: 'alice@example.com',
        pictureUrl: null,
      });
      expect(await graph.fetchPermissions(token)).toEqual({ granted: ['public_profile', 'email'], declined: [] });
    }
    expect(facebook.connections).toBe(1);
    // Secrets in the body and headers, never in the URL.
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v25.0/oauth/access_token' });
    expect(new URLSearchParams(seen[0].body).get('code')).toBe('the-code');
    expect(new URLSearchParams(seen[0].body).get('client_secret')).toBe('app-secret-0123');
    expect(seen[1]).toMatchObject({ method: 'GET', authorization: 'Bearer EAAB-token' });
    expect(seen[1].url).toMatch(
      /^\/v25\.0\/me\?fields=id%2Cemail%2Cfirst_name%2Clast_name%2Cpicture.type%28large%29&appsecret_time=\d+&appsecret_proof=[0-9a-f]{64}$/,
    );
    expect(seen[2]).toMatchObject({ method: 'GET', authorization: 'Bearer EAAB-token' });
    expect(seen[2].url).toMatch(/^\/v25\.0\/me\/permissions\?appsecret_time=\d+&appsecret_proof=[0-9a-f]{64}$/);
    const signed = new URL(seen[2].url!, 'http://graph');
    expect(signed.searchParams.get('appsecret_proof')).toBe(
      createHmac('sha256', 'app-secret-0123')
        .update(`EAAB-token|${signed.searchParams.get('appsecret_time')}`)
        .digest('hex'),
    );
  });

  it('keeps only the declines of permissions the app asks for, and drops entries it cannot read', async () => {
    let answer: unknown = {
      data: [
        { permission: 'public_profile', status: 'granted' },
        { permission: 'email', status: 'declined' },
        // Declined once, no longer asked for (or never by this app): not the person's answer to this dialog.
        { permission: 'user_friends', status: 'declined' },
        { permission: 'user_birthday', status: 'declined' },
        { permission: 'user_likes', status: 'expired' },
        // One odd entry is dropped, not the answer.
        { permission: 'email; drop', status: 'declined' },
        { permission: 'user_photos' },
        'nope',
        null,
      ],
    };
    const facebook = await host((_req, res) => json(res, 200, answer));
    expect(await graphFor(facebook.url).fetchPermissions('t')).toEqual({
      granted: ['public_profile'],
      declined: ['email'],
    });
    // A host's extraScope is asked for too: its decline is kept.
    const settings: Record<string, unknown> = {
      FACEBOOK_WEB_URL: PICTURES,
      FACEBOOK_GRAPH_URL: facebook.url,
      FACEBOOK_GRAPH_VERSION: 'v25.0',
      FACEBOOK_APP_SECRET: 'app-secret-0123',
      FACEBOOK_TIMEOUT_MS: 1000,
    };
    const withBirthday = new FacebookGraphClient(
      { get: (key: string) => settings[key] } as unknown as ConfigService<BaseEnv, true>,
      { extraScope: ['user_birthday'] },
    );
    clients.push(withBirthday);
    expect((await withBirthday.fetchPermissions('t'))?.declined).toEqual(['email', 'user_birthday']);
    answer = { data: [{ permission: 'email; drop', status: 'declined' }] };
    expect(await graphFor(facebook.url).fetchPermissions('t')).toEqual({ granted: [], declined: [] });
  });

  it.each([
    ['not a list', (res: http.ServerResponse) => json(res, 200, { error: 'nope' })],
    ['a list too long', (res: http.ServerResponse) => json(res, 200, { data: new Array(501).fill({}) })],
    [
      'not JSON',
      (res: http.ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>');
      },
    ],
    [
      'cut off mid-way',
      (res: http.ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": [');
      },
    ],
  ])(
    'answers undefined (what was declined is unknown) for an answer %s, not a failed sign-in',
    async (_label, answer) => {
      const facebook = await host((_req, res) => answer(res));
      await expect(graphFor(facebook.url).fetchPermissions('t')).resolves.toBeUndefined();
    },
  );

  it('classifies a failed /me/permissions like /me (a 5xx is worth a retry)', async () => {
    const facebook = await host((_req, res) =>
      json(res, 500, { error: { message: 'An unexpected error has occurred.', code: 2, is_transient: true } }),
    );
    await expect(graphFor(facebook.url).fetchPermissions('t')).rejects.toMatchObject({
      kind: 'transient',
      reason: ReasonCode.ProviderUnavailable,
    });
  });

  it.each([
    [
      "a picture from the stand-in's browser-facing origin",
      { data: { url: `${PICTURES}/emulator/pictures/1.svg?size=200`, is_silhouette: false } },
      `${PICTURES}/emulator/pictures/1.svg?size=200`,
    ],
    ['the silhouette (no picture)', { data: { url: `${PICTURES}/s.svg`, is_silhouette: true } }, null],
    // Only the sources the API's img-src names: never an address the browser would be refused, or sent elsewhere.
    [
      "Facebook's host, the Graph not being Facebook's",
      { data: { url: 'https://platform-lookaside.fbsbx.com/p' } },
      null,
    ],
    ['another origin', { data: { url: 'https://tracker.example.test/1.gif' } }, null],
    ['the same host on another port', { data: { url: 'http://localhost:3002/emulator/pictures/1.svg' } }, null],
    ['the same host over https', { data: { url: 'https://localhost:3001/emulator/pictures/1.svg' } }, null],
    ['a URL that is not http(s)', { data: { url: 'javascript:alert(1)' } }, null],
    ['a URL too long for the column', { data: { url: `${PICTURES}/${'a'.repeat(2100)}` } }, null],
    ['an odd shape', { data: 'nope' }, null],
    ['nothing', undefined, null],
  ])('reads %s from /me as the picture URL, never failing the sign-in for it', async (_label, picture, expected) => {
    const facebook = await host((_req, res) => json(res, 200, { id: '1', first_name: 'A', picture }));
    const profile = await graphFor(facebook.url).fetchProfile('t');
    expect(profile).toMatchObject({ facebookId: '1', firstName: 'A', pictureUrl: expected });
  });

  it('signs a server call with the timestamped proof: HMAC of token|appsecret_time', () => {
    const graph = graphFor('https://graph.example.test');
    const url = new URL('https://graph.example.test/v25.0/me');
    graph.signServerCall(url, 'EAAB-token', 1_800_000_000_999);
    expect(url.searchParams.get('appsecret_time')).toBe('1800000000');
    expect(url.searchParams.get('appsecret_proof')).toBe(
      createHmac('sha256', 'app-secret-0123').update('EAAB-token|1800000000').digest('hex'),
    );
  });

  it('classifies Facebook error answers as before (a rejected code is final, a 5xx is worth a retry)', async () => {
    const facebook = await host((req, res) => {
      if (req.url?.startsWith('/v25.0/oauth'))
        json(res, 400, { error: { message: 'Invalid verification code format.', code: 100 } });
      else json(res, 503, { error: { message: 'Service temporarily unavailable', code: 2, is_transient: true } });
    });
    const graph = graphFor(facebook.url);
    expect(await rejection(graph.exchangeCode('c', 'v'))).toMatchObject({
      kind: 'rejected',
      reason: ReasonCode.CodeRejected,
    });
    expect(await rejection(graph.fetchProfile('t'))).toMatchObject({
      kind: 'transient',
      details: { status: 503, codeFate: 'untouched' },
    });
  });

  it('times out a call Facebook does not answer; the code may then be spent', async () => {
    const facebook = await host(() => undefined); // reads the request, never answers
    const error = await rejection(graphFor(facebook.url).exchangeCode('c', 'v', { timeoutMs: 150 }));
    expect(error).toBeInstanceOf(FacebookApiError);
    expect(error).toMatchObject({
      kind: 'transient',
      reason: ReasonCode.ProviderUnavailable,
      message: 'Facebook token call timed out after 150 ms',
      details: { codeFate: 'unknown' },
    });
  });

  it('lets an answer that arrived during an event-loop stall win over a timeout that is only late', async () => {
    let answer: (() => void) | undefined;
    const facebook = await host((req, res, nth) => (answer = () => answerLikeFacebook(req, res, nth)));
    const call = graphFor(facebook.url).fetchProfile('t', { timeoutMs: 100 });
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 5));
    // Facebook answers, then the loop stalls (outside the timers phase) past the
    // timeout: the next turn runs the overdue timer before it reads the socket.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        answer!();
        const end = Date.now() + 300;
        while (Date.now() < end);
        resolve();
      }),
    );
    await expect(call).resolves.toMatchObject({ facebookId: '10000000000000001' });
  });

  it('reports a dropped connection after the request went out as a transient failure that may have spent the code', async () => {
    const facebook = await host((req) => req.socket.destroy());
    const error = await rejection(graphFor(facebook.url).exchangeCode('c', 'v'));
    expect(error).toMatchObject({
      kind: 'transient',
      reason: ReasonCode.ProviderUnavailable,
      details: { codeFate: 'unknown' },
    });
    expect((error as Error).message).toMatch(
      /^Facebook token call could not reach Facebook \(socket hang up, ECONNRESET\)$/,
    );
  });

  it('reports a refused connection as a failure that cannot have spent the code', async () => {
    const facebook = await host(answerLikeFacebook);
    const url = facebook.url;
    await facebook.close();
    hosts.splice(0);
    const error = await rejection(graphFor(url).exchangeCode('c', 'v'));
    expect(error).toMatchObject({ kind: 'transient', details: { codeFate: 'untouched' } });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('reports a timeout before the request could go out as a failure that cannot have spent the code', async () => {
    const graph = graphFor('http://graph.example.test');
    // A name that never resolves: the connection never opens, the request stays in the process.
    (graph.agent as unknown as { createConnection: typeof net.createConnection }).createConnection = ((
      options: net.NetConnectOpts,
    ) =>
      net.createConnection({
        ...options,
        lookup: () => undefined,
      } as net.NetConnectOpts)) as typeof net.createConnection;
    const error = await rejection(graph.exchangeCode('c', 'v', { timeoutMs: 200 }));
    expect(error).toMatchObject({
      kind: 'transient',
      message: 'Facebook token call timed out after 200 ms',
      details: { codeFate: 'untouched' },
    });
  });

  it('stops at once when its signal aborts (the job lock was lost), with the signal’s reason', async () => {
    const facebook = await host(() => undefined);
    const lockLost = new AbortController();
    const call = graphFor(facebook.url).fetchProfile('t', { timeoutMs: 5000, signal: lockLost.signal });
    setTimeout(() => lockLost.abort(new Error("lost the job's lock")), 50);
    const started = Date.now();
    await expect(call).rejects.toThrow("lost the job's lock");
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(graphFor(facebook.url).fetchProfile('t', { signal: lockLost.signal })).rejects.toThrow(
      "lost the job's lock",
    );
  });

  it('asks /me again on a new connection when the server closed the kept-alive one, but never replays the token call', async () => {
    // Every connection serves one request; the next request on it finds it closed.
    const facebook = await host((req, res, nth) => {
      if (nth.onSocket > 1) req.socket.destroy();
      else answerLikeFacebook(req, res, nth);
    });
    const graph = graphFor(facebook.url);
    await graph.exchangeCode('first', 'v');
    await expect(graph.fetchProfile('t')).resolves.toMatchObject({ facebookId: '10000000000000001' });
    expect(facebook.connections).toBe(2);
    const error = await rejection(graph.exchangeCode('second', 'v'));
    expect(error).toMatchObject({ kind: 'transient', details: { codeFate: 'unknown' } });
    expect(facebook.connections).toBe(2);
  });

  it('refuses answers over 256 KB, announced or streamed, and redirects', async () => {
    const big = 'x'.repeat(300 * 1024);
    const facebook = await host((req, res) => {
      if (req.url?.startsWith('/v25.0/oauth')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
        res.end(big);
      } else if (req.headers.authorization === 'Bearer chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(big.slice(0, 150 * 1024));
        res.end(big.slice(150 * 1024));
      } else {
        res.writeHead(302, { location: 'https://example.com/' });
        res.end();
      }
    });
    const graph = graphFor(facebook.url);
    expect(await rejection(graph.exchangeCode('c', 'v'))).toMatchObject({
      kind: 'malformed',
      message: "Facebook's token answer is too large",
    });
    expect(await rejection(graph.fetchProfile('chunked'))).toMatchObject({
      kind: 'malformed',
      message: "Facebook's profile answer is too large",
    });
    expect(await rejection(graph.fetchProfile('t'))).toMatchObject({
      kind: 'transient',
      message: 'Facebook profile call was answered with a redirect (HTTP 302)',
      details: { codeFate: 'unknown' },
    });
  });

  it('calls a malformed answer malformed', async () => {
    const facebook = await host((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>');
    });
    expect(await rejection(graphFor(facebook.url).exchangeCode('c', 'v'))).toMatchObject({
      kind: 'malformed',
      reason: ReasonCode.ProviderBadResponse,
      message: "Facebook's token answer is not JSON",
    });
  });
});

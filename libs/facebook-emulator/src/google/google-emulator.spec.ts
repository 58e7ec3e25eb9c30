import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { configureFacebookEmulatorApp } from '../create-facebook-emulator-app';
import { pkceS256Challenge } from '../emulator-crypto';
import { FacebookEmulatorModule } from '../facebook-emulator.module';
import type { FacebookEmulatorOptions } from '../facebook-emulator.options';
import { DEFAULT_TEST_USERS } from '../default-test-users';
import { DEFAULT_GOOGLE_TEST_USERS } from './default-google-test-users';
import type { OpenIdConfiguration } from './google-emulator-state.service';
import { GoogleEmulatorStateService } from './google-emulator-state.service';
import { accessTokenHash } from './google-crypto';

const REDIRECT = 'http://localhost:3000/auth/google/callback';
const REDIRECT_WITH_QUERY = 'http://localhost:3000/cb?from=google';
const CLIENT = {
  clientId: '123456789012-test.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-test-secret',
  redirectUris: [REDIRECT, REDIRECT_WITH_QUERY],
  name: 'Async Sign-in <Test>',
};
const OTHER_CLIENT = {
  clientId: '999999999999-other.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-other-secret',
  redirectUris: [REDIRECT],
};
const OPTIONS: FacebookEmulatorOptions = {
  apps: [
    {
      appId: '1234567890123456',
      appSecret: 'fb-secret',
      redirectUris: ['http://localhost:3000/auth/facebook/callback'],
    },
  ],
  google: { clients: [CLIENT, OTHER_CLIENT] },
};
const [ALICE, GRACE, ZOE] = DEFAULT_GOOGLE_TEST_USERS;
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-google';
const STATE = 'st@te/ü +&=%20"<x>';
const NONCE = 'n-0S6_WzA2Mj';

type Query = Record<string, string | undefined>;

function authParams(overrides: Query = {}): Query {
  return {
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email profile',
    state: STATE,
    nonce: NONCE,
    code_challenge: pkceS256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    ...overrides,
  };
}

const unescapeHtml = (value: string): string =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

interface ParsedForm {
  action: string;
  fields: Record<string, string>;
  button: string;
}

/** What a browser without JavaScript would submit. */
function parseForms(html: string): ParsedForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)].map(([, action, inner]) => ({
    action: unescapeHtml(action),
    fields: Object.fromEntries(
      [...inner.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [
        unescapeHtml(name),
        unescapeHtml(value),
      ]),
    ),
    button: unescapeHtml(/<button[^>]*>([\s\S]*?)<\/button>/.exec(inner)?.[1] ?? ''),
  }));
}

function textOf(res: request.Response): string {
  return res.text;
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`${FacebookEmulatorModule.name}: the Google side, on a real port`, () => {
  let app: NestExpressApplication;
  let state: GoogleEmulatorStateService;
  let base: string;
  let issuer: string;
  let config: OpenIdConfiguration;

  /** The path and query of an absolute emulator URL from discovery. */
  const local = (url: string): string => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };

  /** Picks a user on the chooser, as a browser would, and returns the callback URL. */
  const chooseAccount = async (overrides: Query = {}, sub = ALICE.sub): Promise<URL> => {
    const page = await request(base).get(local(config.authorization_endpoint)).query(authParams(overrides)).expect(200);
    const form = parseForms(page.text).find((f) => f.fields.sub === sub);
    if (!form) throw new Error(`no form for ${sub}`);
    const res = await request(base).post(form.action).type('form').send(form.fields).expect(302);
    return new URL(res.headers.location);
  };

  const authorize = async (overrides: Query = {}, sub = ALICE.sub) => {
    const code = (await chooseAccount(overrides, sub)).searchParams.get('code');
    if (!code) throw new Error('no code in the redirect');
    return code;
  };

  const exchange = (code: string | undefined, overrides: Query = {}) =>
    request(base)
      .post(local(config.token_endpoint))
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        code_verifier: VERIFIER,
        ...overrides,
      });

  const knob = (method: 'get' | 'put' | 'post' | 'delete', path: string) =>
    request(base)[method](`/google/__emulator${path}`);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FacebookEmulatorModule.forRoot(OPTIONS)],
    }).compile();
    app = configureFacebookEmulatorApp(
      moduleRef.createNestApplication<NestExpressApplication>({
        logger: false,
      }),
      '127.0.0.1',
    );
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    issuer = `${base}/google`;
    state = app.get(GoogleEmulatorStateService);
    config = (await request(base).get('/google/.well-known/openid-configuration')).body as OpenIdConfiguration;
  });

  beforeEach(() => state.reset());

  afterAll(async () => {
    await app.close();
  });

  describe('the code flow, end to end', () => {
    it('serves discovery for the issuer it was reached at', async () => {
      const res = await request(base).get('/google/.well-known/openid-configuration').expect(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toEqual({
        issuer,
        authorization_endpoint: `${base}/google/o/oauth2/v2/auth`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/v1/userinfo`,
        jwks_uri: `${issuer}/oauth2/v3/certs`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: expect.arrayContaining([
          'iss',
          'aud',
          'sub',
          'nonce',
          'email',
          'email_verified',
          'name',
          'given_name',
          'family_name',
        ]),
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code'],
      });
    });

    it('walks discovery → account chooser → token → an id_token that verifies against the JWKS', async () => {
      const callback = await chooseAccount();
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
      expect([...callback.searchParams.keys()]).toEqual(['state', 'code', 'scope', 'authuser', 'prompt']);
      expect(callback.searchParams.get('state')).toBe(STATE);
      const code = callback.searchParams.get('code') ?? '';
      // Google's codes hold a slash: the client has to URL-decode them.
      expect(code).toMatch(/^4\/0A[A-Za-z0-9_-]{43,}$/);
      expect(callback.hash).toBe('');

      const res = await exchange(code).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^ya29\.[A-Za-z0-9_-]{100,}$/),
        expires_in: 3599,
        scope: 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
        token_type: 'Bearer',
        id_token: expect.any(String),
      });
      const body = res.body as { id_token: string; access_token: string };

      const jwks = createRemoteJWKSet(new URL(config.jwks_uri));
      const { payload, protectedHeader } = await jwtVerify(body.id_token, jwks, {
        issuer: config.issuer,
        audience: CLIENT.clientId,
        algorithms: ['RS256'],
      });
      expect(protectedHeader).toEqual({
        alg: 'RS256',
        kid: expect.any(String),
        typ: 'JWT',
      });
      expect(payload).toEqual({
        iss: issuer,
        azp: CLIENT.clientId,
        aud: CLIENT.clientId,
        sub: ALICE.sub,
        email: 'alice@example.com',
        email_verified: true,
        at_hash: accessTokenHash(body.access_token),
        nonce: NONCE,
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(payload.exp! - payload.iat!).toBe(3600);
      expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);

      const userinfo = await request(base)
        .get(local(config.userinfo_endpoint))
        .set('Authorization', `Bearer ${body.access_token}`)
        .expect(200);
      expect(userinfo.body).toEqual({
        sub: ALICE.sub,
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        email: 'alice@example.com',
        email_verified: true,
      });
      expect(state.getStats()).toMatchObject({
        tokenCalls: 1,
        userinfoCalls: 1,
        successfulExchanges: 1,
      });
    });

    it('serves the public key only, in the JWKS and the id_token header', async () => {
      const res = await request(base).get('/google/oauth2/v3/certs').expect(200);
      const { keys } = res.body as { keys: Array<Record<string, string>> };
      expect(keys).toEqual([
        {
          kty: 'RSA',
          n: expect.stringMatching(/^[A-Za-z0-9_-]{340,}$/),
          e: 'AQAB',
          kid: expect.any(String),
          alg: 'RS256',
          use: 'sig',
        },
      ]);
      const token = (await exchange(await authorize()).expect(200)).body as {
        id_token: string;
      };
      expect(decodeProtectedHeader(token.id_token).kid).toBe(keys[0].kid);
    });

    it('puts the email and profile claims in only for their scopes, and keeps UTF-8 intact', async () => {
      const openidOnly = await exchange(await authorize({ scope: 'openid' }, ZOE.sub)).expect(200);
      expect(decodeJwt((openidOnly.body as { id_token: string }).id_token)).not.toHaveProperty('email');
      expect((openidOnly.body as { scope: string }).scope).toBe('openid');

      const longForms = await exchange(
        await authorize({ scope: 'openid https://www.googleapis.com/auth/userinfo.profile' }, ZOE.sub),
      ).expect(200);
      const claims = decodeJwt((longForms.body as { id_token: string }).id_token);
      expect(claims).toMatchObject({
        sub: ZOE.sub,
        name: 'Zoë 😀',
        given_name: 'Zoë 😀',
      });
      expect(claims).not.toHaveProperty('family_name');
      expect(claims).not.toHaveProperty('email');
    });

    it('accepts client_secret_basic, form-urlencoded inside the header', async () => {
      const code = await authorize();
      const basic = Buffer.from(
        `${encodeURIComponent(CLIENT.clientId)}:${encodeURIComponent(CLIENT.clientSecret)}`,
      ).toString('base64');
      await exchange(code, { client_id: undefined, client_secret: undefined })
        .set('Authorization', `Basic ${basic}`)
        .expect(200);
    });

    it('redirects Cancel with access_denied and the state, keeping a registered query', async () => {
      const page = await request(base)
        .get('/google/o/oauth2/v2/auth')
        .query(authParams({ redirect_uri: REDIRECT_WITH_QUERY }))
        .expect(200);
      const cancel = parseForms(page.text).find((f) => f.button === 'Cancel');
      expect(cancel?.action).toBe('/google/o/oauth2/v2/auth/cancel');
      const res = await request(base).post(cancel!.action).type('form').send(cancel!.fields).expect(302);
      expect(res.headers.location).toBe(
        `${REDIRECT_WITH_QUERY}&${new URLSearchParams({ error: 'access_denied', state: STATE }).toString()}`,
      );
    });
  });

  describe('the account chooser', () => {
    it('lists every test account plus Cancel on a self-contained page', async () => {
      const res = await request(base).get('/google/o/oauth2/v2/auth').query(authParams()).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      const html = textOf(res);
      expect(html).toContain('<title>Sign in with Google</title>');
      expect(html).toContain('<strong>Async Sign-in &lt;Test&gt;</strong>');
      expect(html).toContain('Google emulator: a local stand-in for accounts.google.com');
      expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
      const forms = parseForms(html);
      expect(forms.map((form) => form.button)).toEqual([
        'Continue as Alice',
        'Continue as Grace',
        'Continue as Zoë 😀',
        'Cancel',
      ]);
      expect(forms[0].fields).toEqual({ ...authParams(), sub: ALICE.sub });
      expect(html).toContain('grace.hopper@example.net');
    });

    it('escapes everything reflected from the query', async () => {
      const res = await request(base)
        .get('/google/o/oauth2/v2/auth')
        .query(
          authParams({
            state: '"><script>alert(1)</script>',
            extra: "<b a='x'>",
          }),
        )
        .expect(200);
      expect(res.text).not.toContain('<script>');
      expect(res.text).not.toContain('<b ');
      expect(res.text).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it.each([
      ['a missing client_id', { client_id: undefined }, 400, 'invalid_request'],
      ['an unknown client_id', { client_id: 'nope.apps.googleusercontent.com' }, 401, 'invalid_client'],
      ['a missing redirect_uri', { redirect_uri: undefined }, 400, 'invalid_request'],
      ['an unregistered redirect_uri', { redirect_uri: 'http://evil.test/cb' }, 400, 'redirect_uri_mismatch'],
      ['a near-miss redirect_uri', { redirect_uri: `${REDIRECT}/` }, 400, 'redirect_uri_mismatch'],
      [
        'another client’s redirect_uri',
        { client_id: OTHER_CLIENT.clientId, redirect_uri: REDIRECT_WITH_QUERY },
        400,
        'redirect_uri_mismatch',
      ],
      ['a missing response_type', { response_type: undefined }, 400, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 400, 'unsupported_response_type'],
      ['response_mode=fragment', { response_mode: 'fragment' }, 400, 'invalid_request'],
      ['a missing scope', { scope: undefined }, 400, 'invalid_request'],
      ['a scope without openid', { scope: 'email profile' }, 400, 'invalid_scope'],
      ['an unknown scope', { scope: 'openid drive' }, 400, 'invalid_scope'],
      ['a missing state', { state: undefined }, 400, 'invalid_request'],
      ['a missing nonce', { nonce: undefined }, 400, 'invalid_request'],
      [
        'a missing code_challenge',
        { code_challenge: undefined, code_challenge_method: undefined },
        400,
        'invalid_request',
      ],
      ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 400, 'invalid_request'],
      ['no code_challenge_method', { code_challenge_method: undefined }, 400, 'invalid_request'],
      ['a malformed code_challenge', { code_challenge: 'short' }, 400, 'invalid_request'],
    ])('answers %s with an error page and no redirect', async (_label, overrides, status, error) => {
      const res = await request(base).get('/google/o/oauth2/v2/auth').query(authParams(overrides)).expect(status);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('<h1>Access blocked: Authorization Error</h1>');
      expect(res.text).toContain(`<h2>Error ${status}: ${error}</h2>`);
    });

    it('names the refused redirect_uri, escaped, like Google', async () => {
      const res = await request(base)
        .get('/google/o/oauth2/v2/auth')
        .query(authParams({ redirect_uri: 'http://evil.test/cb?<x>' }))
        .expect(400);
      expect(res.text).toContain('redirect_uri=http://evil.test/cb?&lt;x&gt;');
    });

    it('re-validates the request on choose and cancel (the chooser is stateless)', async () => {
      for (const action of ['choose', 'cancel']) {
        for (const overrides of [
          { redirect_uri: 'http://evil.test/cb' },
          { client_id: 'nope' },
          { nonce: undefined },
        ]) {
          const res = await request(base)
            .post(`/google/o/oauth2/v2/auth/${action}`)
            .type('form')
            .send({ ...authParams(overrides), sub: ALICE.sub });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.headers.location).toBeUndefined();
        }
      }
      await request(base)
        .post('/google/o/oauth2/v2/auth/choose')
        .type('form')
        .send({ ...authParams(), sub: '404' })
        .expect(400);
    });
  });

  describe('the token endpoint', () => {
    it('answers a used code with invalid_grant and revokes the token it yielded', async () => {
      const code = await authorize();
      const first = (await exchange(code).expect(200)).body as {
        access_token: string;
      };
      const reuse = await exchange(code).expect(400);
      expect(reuse.body).toEqual({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      });
      await request(base).get('/google/v1/userinfo').set('Authorization', `Bearer ${first.access_token}`).expect(401);
    });

    it('answers a wrong or missing code_verifier with invalid_grant, and the code is spent', async () => {
      const code = await authorize();
      const wrong = await exchange(code, {
        code_verifier: 'wrong-'.repeat(8),
      }).expect(400);
      expect(wrong.body).toEqual({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      });
      await exchange(code).expect(400);

      const missing = await exchange(await authorize(), {
        code_verifier: undefined,
      }).expect(400);
      expect(missing.body).toEqual({
        error: 'invalid_grant',
        error_description: 'Missing code verifier.',
      });
    });

    it.each([
      [
        'a wrong client_secret',
        { client_secret: 'nope' },
        401,
        { error: 'invalid_client', error_description: 'Unauthorized' },
      ],
      [
        'no client_secret',
        { client_secret: undefined },
        401,
        { error: 'invalid_client', error_description: 'Unauthorized' },
      ],
      [
        'an unknown client_id',
        { client_id: 'nope.apps.googleusercontent.com' },
        401,
        {
          error: 'invalid_client',
          error_description: 'The OAuth client was not found.',
        },
      ],
      [
        'no client at all',
        { client_id: undefined, client_secret: undefined },
        400,
        {
          error: 'invalid_request',
          error_description: 'Could not determine client ID from request.',
        },
      ],
      [
        'another client’s credentials',
        {
          client_id: OTHER_CLIENT.clientId,
          client_secret: OTHER_CLIENT.clientSecret,
        },
        400,
        { error: 'invalid_grant', error_description: 'Bad Request' },
      ],
      [
        'a different redirect_uri',
        { redirect_uri: REDIRECT_WITH_QUERY },
        400,
        { error: 'redirect_uri_mismatch', error_description: 'Bad Request' },
      ],
      [
        'a missing redirect_uri',
        { redirect_uri: undefined },
        400,
        {
          error: 'invalid_request',
          error_description: 'Missing required parameter: redirect_uri',
        },
      ],
      ['an unknown code', { code: '4/0Anotacode' }, 400, { error: 'invalid_grant', error_description: 'Bad Request' }],
      [
        'a missing code',
        { code: undefined },
        400,
        {
          error: 'invalid_request',
          error_description: 'Missing required parameter: code',
        },
      ],
      [
        'grant_type=refresh_token',
        { grant_type: 'refresh_token' },
        400,
        {
          error: 'unsupported_grant_type',
          error_description: 'Invalid grant_type: refresh_token',
        },
      ],
      [
        'no grant_type',
        { grant_type: undefined },
        400,
        {
          error: 'unsupported_grant_type',
          error_description: 'Invalid grant_type: ',
        },
      ],
    ])('answers %s in Google’s shape', async (_label, overrides, status, body) => {
      const res = await exchange(await authorize(), overrides).expect(status);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toEqual(body);
    });

    it('leaves the code usable after a client error, but not after a code error', async () => {
      const code = await authorize();
      await exchange(code, { client_secret: 'nope' }).expect(401);
      await exchange(code, { redirect_uri: undefined }).expect(400);
      await exchange(code).expect(200);

      const burnt = await authorize();
      await exchange(burnt, { redirect_uri: REDIRECT_WITH_QUERY }).expect(400);
      await exchange(burnt).expect(400);
    });

    it('challenges a bad Basic client and refuses two client authentications', async () => {
      const code = await authorize();
      const bad = Buffer.from(`${CLIENT.clientId}:nope`).toString('base64');
      const res = await exchange(code, {
        client_id: undefined,
        client_secret: undefined,
      })
        .set('Authorization', `Basic ${bad}`)
        .expect(401);
      expect(res.headers['www-authenticate']).toContain('Basic');
      expect(res.body).toEqual({
        error: 'invalid_client',
        error_description: 'Unauthorized',
      });

      const good = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
      const twice = await exchange(code).set('Authorization', `Basic ${good}`).expect(400);
      expect((twice.body as { error: string }).error).toBe('invalid_request');
      await exchange(code).expect(200);
    });

    it('answers a bad bearer token on userinfo with 401', async () => {
      for (const auth of [undefined, 'Bearer ya29.bogus']) {
        const req = request(base).get('/google/v1/userinfo');
        if (auth) void req.set('Authorization', auth);
        const res = await req.expect(401);
        expect(res.headers['www-authenticate']).toContain('invalid_token');
        expect(res.body).toEqual({
          error: 'invalid_request',
          error_description: 'Invalid Credentials',
        });
      }
    });

    it('stops honouring tokens of a deleted account', async () => {
      const { access_token: token } = (await exchange(await authorize({}, GRACE.sub)).expect(200)).body as {
        access_token: string;
      };
      await knob('delete', `/users/${GRACE.sub}`).expect(204);
      await request(base).get('/google/v1/userinfo').query({ access_token: token }).expect(401);
    });
  });

  describe('faults and knobs', () => {
    const addFault = (body: object) => knob('post', '/faults').send(body).expect(200);

    it('answers health and lists its endpoints’ queues', async () => {
      await knob('get', '/health').expect(200, { ok: true });
      await knob('get', '/faults').expect(200, {
        discovery: [],
        token: [],
        jwks: [],
        userinfo: [],
      });
      await knob('get', '/config').expect(200, {
        latency: null,
        failureRate: 0,
      });
    });

    it('a 500 fault leaves the code usable for the retry, and the stats count both', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'status' });
      const failed = await exchange(code).expect(500);
      expect(failed.body).toEqual({
        error: 'internal_failure',
        error_description: 'Backend Error',
      });
      await exchange(code).expect(200);
      const stats = (await knob('get', '/stats').expect(200)).body as Record<string, unknown>;
      const key = createHash('sha256').update(code).digest('hex');
      expect(stats).toEqual({
        discoveryCalls: 0,
        tokenCalls: 2,
        jwksCalls: 0,
        userinfoCalls: 0,
        exchangesByCode: { [key]: 2 },
        successfulExchanges: 1,
        heldCalls: 0,
      });
      expect(JSON.stringify(stats)).not.toContain(code);
    });

    it('holds a token call until /faults/release, then answers it as usual', async () => {
      const code = await authorize();
      await knob('post', '/faults').send({ endpoint: 'token', kind: 'hold' }).expect(200);
      const held = exchange(code).then((res) => res);
      for (let tries = 0; ((await knob('get', '/stats')).body as { heldCalls: number }).heldCalls === 0; tries++) {
        if (tries > 500) throw new Error('The token call was never held');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await knob('post', '/faults/release').expect(200, { released: 1 });
      const answer = await held;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id_token: expect.any(String) });
    });

    it('throttles with 429 and serves truncated JSON for malformed, on every endpoint', async () => {
      await addFault({ endpoint: 'jwks', kind: 'throttle' });
      const throttled = await request(base).get('/google/oauth2/v3/certs').expect(429);
      expect(throttled.body).toEqual({
        error: 'rate_limit_exceeded',
        error_description: 'Rate Limit Exceeded',
      });

      for (const [endpoint, path, body] of [
        ['discovery', '/google/.well-known/openid-configuration', '{"issuer": '],
        ['jwks', '/google/oauth2/v3/certs', '{"keys": ['],
      ]) {
        await addFault({ endpoint, kind: 'malformed' });
        const res = await request(base)
          .get(path)
          .buffer(true)
          .parse((response, done) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            response.on('end', () => done(null, text));
          });
        expect(res.status).toBe(200);
        expect(res.body).toBe(body);
      }
    });

    it('spend-then-late spends the code, then answers after delayMs', async () => {
      const code = await authorize();
      await addFault({
        endpoint: 'token',
        kind: 'spend-then-late',
        delayMs: 300,
      });
      const started = Date.now();
      const late = await exchange(code).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(late.body).toMatchObject({ id_token: expect.any(String) });
      expect((await exchange(code).expect(400)).body).toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('spend-then-drop and spend-then-hang spend the code and never answer', async () => {
      const dropped = await authorize();
      await addFault({ endpoint: 'token', kind: 'spend-then-drop' });
      await expect(exchange(dropped)).rejects.toThrow();
      await exchange(dropped).expect(400);

      const hung = await authorize();
      await addFault({ endpoint: 'token', kind: 'spend-then-hang' });
      await expect(exchange(hung).timeout(300)).rejects.toThrow(/Timeout/);
      await waitFor(() => state.inFlightCount() === 0);
      await exchange(hung).expect(400);
      expect(state.getStats().successfulExchanges).toBe(2);
    });

    it('hang never answers, and the socket is released when the client gives up', async () => {
      await addFault({ endpoint: 'discovery', kind: 'hang' });
      await expect(request(base).get('/google/.well-known/openid-configuration').timeout(300)).rejects.toThrow(
        /Timeout/,
      );
      await waitFor(() => state.inFlightCount() === 0);
      await request(base).get('/google/.well-known/openid-configuration').expect(200);
    });

    it('huge and missing-id distort a validly signed id_token and userinfo', async () => {
      const jwks = createRemoteJWKSet(new URL(config.jwks_uri));
      await addFault({ endpoint: 'token', kind: 'huge' });
      const huge = (await exchange(await authorize()).expect(200)).body as {
        id_token: string;
        access_token: string;
      };
      const { payload } = await jwtVerify(huge.id_token, jwks, {
        issuer,
        audience: CLIENT.clientId,
      });
      expect(payload.given_name).toHaveLength(100_000);
      expect(payload.sub).toBe(ALICE.sub);

      await addFault({ endpoint: 'token', kind: 'missing-id' });
      const missing = (await exchange(await authorize()).expect(200)).body as {
        id_token: string;
      };
      expect(
        (
          await jwtVerify(missing.id_token, jwks, {
            issuer,
            audience: CLIENT.clientId,
          })
        ).payload,
      ).not.toHaveProperty('sub');

      await addFault({ endpoint: 'userinfo', kind: 'missing-id' });
      const userinfo = await request(base)
        .get('/google/v1/userinfo')
        .set('Authorization', `Bearer ${huge.access_token}`)
        .expect(200);
      expect(userinfo.body).not.toHaveProperty('sub');
      expect(userinfo.body).toMatchObject({ email: 'alice@example.com' });
    });

    it('validates fault and config bodies with the Facebook side’s rules, for Google’s endpoints', async () => {
      for (const body of [
        { endpoint: 'me', kind: 'status' },
        { endpoint: 'discovery', kind: 'huge' },
        { endpoint: 'userinfo', kind: 'spend-then-drop' },
        { endpoint: 'token', kind: 'spend-then-late' },
        { endpoint: 'token', kind: 'hang', status: 500 },
      ]) {
        const res = await knob('post', '/faults').send(body).expect(400);
        expect(res.body).toEqual({ error: { message: expect.any(String) } });
      }
      await knob('put', '/config').send({ requireAppSecretProof: false }).expect(400);
      await knob('put', '/config').send({ failureRate: 1.5 }).expect(400);
      await knob('put', '/config')
        .send({ latency: { medianMs: 50, p99Ms: 10 } })
        .expect(400);
    });

    it('failureRate 1 fails every server call with a 500, and latency delays them but not the chooser', async () => {
      const code = await authorize();
      await knob('put', '/config').send({ failureRate: 1 }).expect(200, { latency: null, failureRate: 1 });
      await request(base).get('/google/oauth2/v3/certs').expect(500);
      await exchange(code).expect(500);
      await knob('put', '/config')
        .send({ failureRate: 0, latency: { fixedMs: 250 } })
        .expect(200);

      let started = Date.now();
      await exchange(code).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      started = Date.now();
      await request(base).get('/google/o/oauth2/v2/auth').query(authParams()).expect(200);
      expect(Date.now() - started).toBeLessThan(240);
    });

    it('keeps each side’s knobs its own', async () => {
      await knob('put', '/config').send({ failureRate: 1 }).expect(200);
      await request(base).get('/__emulator/config').expect(200, {
        latency: null,
        failureRate: 0,
        requireAppSecretProof: true,
      });
      await request(base).get('/__emulator/faults').expect(200, { token: [], me: [], permissions: [] });
    });

    it('manages accounts', async () => {
      await knob('put', '/users/108000000000000000077')
        .send({
          email: 'nina@example.net',
          given_name: 'Nina',
          email_verified: false,
        })
        .expect(200, {
          sub: '108000000000000000077',
          name: 'Nina',
          given_name: 'Nina',
          email: 'nina@example.net',
          email_verified: false,
        });
      await knob('put', '/users/x').send({ email: 'a@example.net', given_name: 'A' }).expect(400);
      await knob('put', '/users/1').send({ given_name: 'A' }).expect(400);
      const users = (await knob('get', '/users').expect(200)).body as Array<{
        sub: string;
      }>;
      expect(users.map((user) => user.sub)).toEqual([ALICE.sub, GRACE.sub, ZOE.sub, '108000000000000000077']);

      const code = await authorize({}, '108000000000000000077');
      const claims = decodeJwt(((await exchange(code).expect(200)).body as { id_token: string }).id_token);
      expect(claims).toMatchObject({ email_verified: false, name: 'Nina' });

      await knob('delete', '/users/108000000000000000077').expect(204);
      await knob('delete', '/users/108000000000000000077').expect(404);
    });

    it('reset clears codes, tokens, faults and config', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'status' });
      await knob('put', '/config').send({ failureRate: 1 });
      await knob('post', '/reset').expect(200, { ok: true });
      expect((await exchange(code).expect(400)).body).toEqual({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      });
    });
  });

  describe('what no route answers', () => {
    it('answers unknown paths and unparsable bodies under /google in Google’s shape', async () => {
      const notFound = await request(base).get('/google/nothing/here').expect(404);
      expect(notFound.body).toEqual({
        error: 'not_found',
        error_description: 'Not Found',
      });
      await request(base).get('/google/token').expect(404);
      const unparsable = await request(base)
        .put('/google/__emulator/config')
        .set('Content-Type', 'application/json')
        .send('{"latency":')
        .expect(400);
      expect(unparsable.body).toEqual({
        error: 'invalid_request',
        error_description: 'The request could not be parsed.',
      });
      // Facebook's paths keep Facebook's shape.
      const graph = await request(base).get('/v25.0/nope/nothing').expect(404);
      expect(graph.body).toMatchObject({ error: { code: 2500 } });
    });

    it('refuses a foreign Host with 421 in Google’s shape under /google', async () => {
      const port = Number(new URL(base).port);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(
            {
              host: '127.0.0.1',
              port,
              path: '/google/.well-known/openid-configuration',
              headers: { host: `evil.example:${port}` },
            },
            (res) => {
              let body = '';
              res.on('data', (chunk: Buffer) => (body += chunk.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          )
          .on('error', reject);
      });
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body)).toEqual({
        error: 'misdirected_request',
        error_description: expect.stringMatching(/host/i),
      });
      expect(answer.body).not.toContain('evil.example');
    });
  });

  it('keeps the identity_not_linked pair: one Google e-mail is a Facebook test user’s, one is not', () => {
    const facebookEmails = new Set(DEFAULT_TEST_USERS.map((user) => user.email));
    expect(facebookEmails.has(ALICE.email)).toBe(true);
    expect(facebookEmails.has(GRACE.email)).toBe(false);
    expect(facebookEmails.has(ZOE.email)).toBe(false);
  });
});

describe(`${FacebookEmulatorModule.name}: the Google side's options`, () => {
  it('names the issuer everywhere but sends browsers to the public origin', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FacebookEmulatorModule.forRoot({
          ...OPTIONS,
          google: {
            clients: [CLIENT],
            issuer: 'http://127.0.0.1:3999/google',
            publicUrl: 'http://localhost:3999',
          },
        }),
      ],
    }).compile();
    const app = configureFacebookEmulatorApp(
      moduleRef.createNestApplication<NestExpressApplication>({
        logger: false,
      }),
    );
    await app.init();
    try {
      const server = app.getHttpServer();
      const res = await request(server).get('/google/.well-known/openid-configuration').expect(200);
      expect(res.body).toMatchObject({
        issuer: 'http://127.0.0.1:3999/google',
        authorization_endpoint: 'http://localhost:3999/google/o/oauth2/v2/auth',
        token_endpoint: 'http://127.0.0.1:3999/google/token',
        jwks_uri: 'http://127.0.0.1:3999/google/oauth2/v3/certs',
        userinfo_endpoint: 'http://127.0.0.1:3999/google/v1/userinfo',
      });
    } finally {
      await app.close();
    }
  });

  it('is not served without google options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FacebookEmulatorModule.forRoot({ apps: OPTIONS.apps })],
    }).compile();
    const app = configureFacebookEmulatorApp(
      moduleRef.createNestApplication<NestExpressApplication>({
        logger: false,
      }),
    );
    await app.init();
    try {
      await request(app.getHttpServer()).get('/google/.well-known/openid-configuration').expect(404);
      await request(app.getHttpServer()).get('/__emulator/health').expect(200);
    } finally {
      await app.close();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { configureFacebookEmulatorApp, createFacebookEmulatorApp } from './create-facebook-emulator-app';
import { computeAppSecretProof, pkceS256Challenge } from './emulator-crypto';
import { EmulatorStateService } from './emulator-state.service';
import { FacebookEmulatorModule } from './facebook-emulator.module';
import { EMULATOR_CLOCK, resolveEmulatorOptions, type FacebookEmulatorOptions } from './facebook-emulator.options';

const REDIRECT = 'http://localhost:3000/auth/facebook/callback';
const REDIRECT_WITH_QUERY = 'http://localhost:3000/cb?from=fb';
const APP = {
  appId: '1234567890123456',
  appSecret: 'emulator-test-secret',
  redirectUris: [REDIRECT, REDIRECT_WITH_QUERY],
  name: 'Async Login <Test>',
};
const OTHER_APP = {
  appId: '6543210987654321',
  appSecret: 'other-secret',
  redirectUris: [REDIRECT],
};
const OPTIONS: FacebookEmulatorOptions = { apps: [APP, OTHER_APP] };
/** Polls a condition on the emulator's own state (no time is asserted; gives up after timeoutMs). */
async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ALICE = '10000000000000001';
const BOB = '10000000000000002';
const ZOE = '10000000000000003';
const STATE = 'st@te/ü +&=%20"<x>';

type Query = Record<string, string | undefined>;

function dialogParams(overrides: Query = {}): Query {
  return {
    client_id: APP.appId,
    redirect_uri: REDIRECT,
    state: STATE,
    response_type: 'code',
    scope: 'email,public_profile',
    ...overrides,
  };
}

function fbError(body: unknown): Record<string, unknown> {
  expect(body).toEqual({ error: expect.any(Object) });
  const error = (body as { error: Record<string, unknown> }).error;
  expect(error.fbtrace_id).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{8,}$/));
  const rest = { ...error };
  delete rest.fbtrace_id;
  return rest;
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

describe(FacebookEmulatorModule.name, () => {
  let app: NestExpressApplication;
  let state: EmulatorStateService;
  let base: string;

  const authorize = async (overrides: Query = {}, userId = ALICE): Promise<string> => {
    const res = await request(base)
      .post('/v25.0/dialog/oauth/confirm')
      .type('form')
      .send({ ...dialogParams(overrides), user_id: userId })
      .expect(302);
    const code = new URL(res.headers.location).searchParams.get('code');
    if (!code) throw new Error('no code in redirect');
    return code;
  };

  const exchange = (code: string | undefined, overrides: Query = {}) =>
    request(base)
      .post('/v25.0/oauth/access_token')
      .type('form')
      .send({
        client_id: APP.appId,
        client_secret: APP.appSecret,
        redirect_uri: REDIRECT,
        code,
        ...overrides,
      });

  const tokenFor = async (userId = ALICE, overrides: Query = {}): Promise<string> => {
    const res = await exchange(await authorize(overrides, userId)).expect(200);
    return (res.body as { access_token: string }).access_token;
  };

  const me = (token: string, query: Query = {}) =>
    request(base)
      .get('/v25.0/me')
      .query({
        access_token: token,
        appsecret_proof: computeAppSecretProof(token, APP.appSecret),
        ...query,
      });

  beforeAll(async () => {
    app = await createFacebookEmulatorApp(OPTIONS, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    state = app.get(EmulatorStateService);
  });

  beforeEach(() => state.reset());

  afterAll(async () => {
    await app.close();
  });

  describe('dialog', () => {
    it('renders a self-contained consent page listing every test user', async () => {
      const res = await request(base).get('/v25.0/dialog/oauth').query(dialogParams()).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      const html = res.text;
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<title>Log in With Facebook</title>');
      expect(html).toContain(
        '<strong>Async Login &lt;Test&gt;</strong> is requesting: your public profile and email address',
      );
      expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
      const buttons = parseForms(html).map((form) => form.button);
      expect(buttons).toEqual(['Continue as Alice', 'Continue as Bob', 'Continue as Zoë 😀', 'Cancel']);
    });

    it('escapes everything reflected from the query', async () => {
      const res = await request(base)
        .get('/v25.0/dialog/oauth')
        .query(
          dialogParams({
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
      ['an unknown client_id', { client_id: '999' }, 'Invalid App ID'],
      ['a missing client_id', { client_id: undefined }, 'Invalid App ID'],
      ['an unregistered redirect_uri', { redirect_uri: 'http://evil.test/cb' }, 'URL blocked'],
      ['a near-miss redirect_uri', { redirect_uri: `${REDIRECT}/` }, 'URL blocked'],
      ['another app’s redirect_uri', { redirect_uri: REDIRECT_WITH_QUERY, client_id: OTHER_APP.appId }, 'URL blocked'],
      ['a missing redirect_uri', { redirect_uri: undefined }, 'URL blocked'],
      ['response_type=token', { response_type: 'token' }, 'Unsupported response_type'],
      [
        'a bad code_challenge_method',
        { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
        'Invalid code_challenge_method',
      ],
    ])('answers %s with a 400 page and no redirect', async (_label, overrides, title) => {
      const res = await request(base).get('/v25.0/dialog/oauth').query(dialogParams(overrides)).expect(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain(`<h1>${title}</h1>`);
    });

    it('serves any vX.Y version and none, but not other prefixes', async () => {
      await request(base).get('/v2.12/dialog/oauth').query(dialogParams()).expect(200);
      const unversioned = await request(base).get('/dialog/oauth').query(dialogParams()).expect(200);
      expect(parseForms(unversioned.text)[0].action).toBe('/dialog/oauth/confirm');
      await request(base).get('/latest/dialog/oauth').query(dialogParams()).expect(404);
    });

    it('works without JavaScript: submitting a user form redirects with code, state and #_=_', async () => {
      const page = await request(base).get('/v25.0/dialog/oauth').query(dialogParams());
      const form = parseForms(page.text).find((f) => f.button === 'Continue as Zoë 😀');
      if (!form) throw new Error('no form for Zoë');
      expect(form.action).toBe('/v25.0/dialog/oauth/confirm');
      expect(form.fields).toEqual({ ...dialogParams(), user_id: ZOE, edit_access: '1' });

      const res = await request(base).post(form.action).type('form').send(form.fields).expect(302);
      const location: string = res.headers.location;
      expect(location.startsWith(`${REDIRECT}?code=`)).toBe(true);
      expect(location.endsWith('#_=_')).toBe(true);
      const url = new URL(location);
      expect(url.searchParams.get('state')).toBe(STATE);
      expect(url.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect([...url.searchParams.keys()]).toEqual(['code', 'state']);
    });

    it('omits state when none was given and keeps the registered query string', async () => {
      const res = await request(base)
        .post('/v25.0/dialog/oauth/confirm')
        .type('form')
        .send({
          ...dialogParams({
            state: undefined,
            redirect_uri: REDIRECT_WITH_QUERY,
          }),
          user_id: BOB,
        })
        .expect(302);
      expect(res.headers.location).toMatch(/^http:\/\/localhost:3000\/cb\?from=fb&code=[A-Za-z0-9_-]+#_=_$/);
    });

    it('re-validates client and redirect on confirm (the dialog is stateless)', async () => {
      for (const overrides of [{ redirect_uri: 'http://evil.test/cb' }, { client_id: '1' }]) {
        const res = await request(base)
          .post('/v25.0/dialog/oauth/confirm')
          .type('form')
          .send({ ...dialogParams(overrides), user_id: ALICE })
          .expect(400);
        expect(res.headers.location).toBeUndefined();
      }
      await request(base)
        .post('/v25.0/dialog/oauth/confirm')
        .type('form')
        .send({ ...dialogParams(), user_id: '404' })
        .expect(400);
    });

    it('redirects Cancel with Facebook’s access_denied error', async () => {
      const res = await request(base)
        .post('/v25.0/dialog/oauth/cancel')
        .type('form')
        .send(dialogParams({ state: 'abc' }))
        .expect(302);
      expect(res.headers.location).toBe(
        `${REDIRECT}?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=abc#_=_`,
      );
      await request(base)
        .post('/v25.0/dialog/oauth/cancel')
        .type('form')
        .send(dialogParams({ redirect_uri: 'http://evil.test/cb' }))
        .expect(400);
    });

    it('grants email only when requested', async () => {
      const token = await tokenFor(ALICE, { scope: 'public_profile' });
      const res = await me(token, { fields: 'id,email' }).expect(200);
      expect(res.body).toEqual({ id: ALICE });
    });
  });

  describe('token exchange', () => {
    it('swaps a code for a bearer token, over POST or GET', async () => {
      const res = await exchange(await authorize()).expect(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^EAA[A-Za-z0-9]{100,}$/),
        token_type: 'bearer',
        expires_in: 5183944,
      });

      const code = await authorize();
      await request(base)
        .get('/v25.0/oauth/access_token')
        .query({
          client_id: APP.appId,
          client_secret: APP.appSecret,
          redirect_uri: REDIRECT,
          code,
        })
        .expect(200);
      expect(state.getStats().successfulExchanges).toBe(2);
    });

    it.each([
      [
        'unknown client_id',
        { client_id: '999' },
        {
          message: 'Error validating application. Invalid application ID.',
          type: 'OAuthException',
          code: 101,
        },
      ],
      [
        'wrong client_secret',
        { client_secret: 'nope' },
        {
          message: 'Error validating client secret.',
          type: 'OAuthException',
          code: 1,
        },
      ],
      [
        'missing code',
        { code: undefined },
        {
          message: 'Invalid verification code format.',
          type: 'OAuthException',
          code: 100,
        },
      ],
      [
        'unknown code',
        { code: 'AQBnotacode' },
        {
          message: 'Invalid verification code format.',
          type: 'OAuthException',
          code: 100,
        },
      ],
      [
        'different redirect_uri',
        { redirect_uri: REDIRECT_WITH_QUERY },
        {
          message:
            'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
          type: 'OAuthException',
          code: 100,
          error_subcode: 36008,
        },
      ],
      [
        'another client',
        { client_id: OTHER_APP.appId, client_secret: OTHER_APP.appSecret },
        {
          message: 'Invalid verification code format.',
          type: 'OAuthException',
          code: 100,
        },
      ],
    ])('answers %s like Facebook', async (_label, overrides, expected) => {
      const code = await authorize();
      const res = await exchange(code, overrides).expect(400);
      expect(res.headers['content-type']).toContain('application/json');
      expect(fbError(res.body)).toEqual(expected);
    });

    it('refuses a reused code with 36009 and revokes its token', async () => {
      const code = await authorize();
      const token = ((await exchange(code).expect(200)).body as { access_token: string }).access_token;
      await me(token).expect(200);
      const reuse = await exchange(code).expect(400);
      expect(fbError(reuse.body)).toEqual({
        message: 'This authorization code has been used.',
        type: 'OAuthException',
        code: 100,
        error_subcode: 36009,
      });
      expect(fbError((await me(token).expect(400)).body).code).toBe(190);
    });

    it('enforces PKCE (S256) and makes a failed verifier burn the code', async () => {
      const verifier = 'correct-horse-battery-staple-'.repeat(2);
      const pkce = {
        code_challenge: pkceS256Challenge(verifier),
        code_challenge_method: 'S256',
      };
      const code = await authorize(pkce);
      const wrong = await exchange(code, {
        code_verifier: 'wrong-'.repeat(8),
      }).expect(400);
      expect(fbError(wrong.body)).toEqual({
        message: 'Invalid code verifier.',
        type: 'OAuthException',
        code: 100,
      });
      await exchange(code, { code_verifier: verifier }).expect(400);

      const missing = await exchange(await authorize(pkce)).expect(400);
      expect(fbError(missing.body).message).toBe('Invalid code verifier.');
      await exchange(await authorize(pkce), { code_verifier: verifier }).expect(200);
    });
  });

  describe('/me', () => {
    it('returns the requested fields only (id,name by default)', async () => {
      const token = await tokenFor(ALICE);
      expect((await me(token).expect(200)).body).toEqual({
        id: ALICE,
        name: 'Alice Liddell',
      });
      const res = await me(token, {
        fields: 'id,first_name,last_name,email,short_name',
      }).expect(200);
      expect(res.body).toEqual({
        id: ALICE,
        first_name: 'Alice',
        last_name: 'Liddell',
        email: 'alice@example.com',
        short_name: 'Alice',
      });
    });

    it('omits the email key for a user without email', async () => {
      const res = await me(await tokenFor(BOB), {
        fields: 'id,name,email',
      }).expect(200);
      expect(res.body).toEqual({ id: BOB, name: 'Bob Nomail' });
    });

    it('round-trips emoji and a 300-character accented surname', async () => {
      const res = await me(await tokenFor(ZOE), {
        fields: 'first_name,last_name',
      }).expect(200);
      expect(res.body.first_name).toBe('Zoë 😀');
      expect(res.body.last_name).toHaveLength(300);
      expect(res.body.last_name).toBe(state.getUser(ZOE)?.last_name);
    });

    it('accepts the token in an Authorization header', async () => {
      const token = await tokenFor(ALICE);
      const proof = computeAppSecretProof(token, APP.appSecret);
      for (const scheme of ['Bearer', 'OAuth']) {
        await request(base)
          .get('/v25.0/me')
          .query({ appsecret_proof: proof })
          .set('Authorization', `${scheme} ${token}`)
          .expect(200, { id: ALICE, name: 'Alice Liddell' });
      }
    });

    it('answers token and proof problems like Graph', async () => {
      const token = await tokenFor(ALICE);
      const noToken = await request(base).get('/v25.0/me').expect(400);
      expect(fbError(noToken.body)).toEqual({
        message: 'An active access token must be used to query information about the current user.',
        type: 'OAuthException',
        code: 2500,
      });
      const badToken = await me('EAAbogus').expect(400);
      expect(badToken.headers['www-authenticate']).toContain('invalid_token');
      expect(fbError(badToken.body)).toEqual({
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
      });
      const noProof = await me(token, { appsecret_proof: undefined }).expect(400);
      expect(fbError(noProof.body)).toEqual({
        message: 'API calls from the server require an appsecret_proof argument',
        type: 'GraphMethodException',
        code: 100,
      });
      const badProof = await me(token, {
        appsecret_proof: computeAppSecretProof(token, OTHER_APP.appSecret),
      }).expect(400);
      expect(fbError(badProof.body)).toEqual({
        message: 'Invalid appsecret_proof provided in the API argument',
        type: 'GraphMethodException',
        code: 100,
      });
      const badField = await me(token, { fields: 'id,birthday' }).expect(400);
      expect(fbError(badField.body)).toEqual({
        message: '(#100) Tried accessing nonexisting field (birthday) on node type (User)',
        type: 'OAuthException',
        code: 100,
      });
    });
  });

  describe('declined permissions and pictures', () => {
    const permissions = (token: string, query: Query = {}) =>
      request(base)
        .get('/v25.0/me/permissions')
        .query({ access_token: token, appsecret_proof: computeAppSecretProof(token, APP.appSecret), ...query });

    /** Submits Alice's form as a person would after (un)ticking its boxes. */
    const answerWithBoxes = async (overrides: Query, ticked: string[]): Promise<string> => {
      const page = await request(base).get('/v25.0/dialog/oauth').query(dialogParams(overrides)).expect(200);
      const form = parseForms(page.text).find((f) => f.button === 'Continue as Alice');
      if (!form) throw new Error('no form for Alice');
      const body = new URLSearchParams(form.fields);
      for (const scope of ticked) body.append('grant', scope);
      const res = await request(base).post(form.action).type('form').send(body.toString()).expect(302);
      const code = new URL(res.headers.location).searchParams.get('code');
      const token = (await exchange(code!).expect(200)).body as { access_token: string };
      return token.access_token;
    };

    const aliceItem = (html: string) =>
      /<li><form[^>]*>(?:(?!<\/form>)[\s\S])*?Alice Liddell[\s\S]*?<\/form><\/li>/.exec(html)?.[0] ?? '';

    it('offers "Edit access": a ticked box per optional permission, public_profile fixed', async () => {
      const res = await request(base).get('/v25.0/dialog/oauth').query(dialogParams()).expect(200);
      const item = aliceItem(res.text);
      expect(item).toContain('<legend>What Alice shares</legend>');
      expect(item).toMatch(
        /<input type="checkbox" id="[^"]*" name="grant" value="email" checked><label[^>]*>Email address<\/label>/,
      );
      expect(item).toMatch(/<input type="checkbox" id="[^"]*-public_profile" checked disabled>/);
      expect(item).not.toMatch(/name="grant" value="public_profile"/);
    });

    it('an unticked e-mail is declined: /me omits it, /me/permissions says so', async () => {
      const token = await answerWithBoxes({}, []);
      expect((await me(token, { fields: 'id,email,first_name' }).expect(200)).body).toEqual({
        id: ALICE,
        first_name: 'Alice',
      });
      expect((await permissions(token).expect(200)).body).toEqual({
        data: [
          { permission: 'public_profile', status: 'granted' },
          { permission: 'email', status: 'declined' },
        ],
      });
    });

    it('checks /me/permissions like /me: the token and its appsecret_proof', async () => {
      const token = await answerWithBoxes({}, ['email']);
      expect((await permissions(token).expect(200)).body).toEqual({
        data: [
          { permission: 'public_profile', status: 'granted' },
          { permission: 'email', status: 'granted' },
        ],
      });
      const badProof = await permissions(token, {
        appsecret_proof: computeAppSecretProof(token, OTHER_APP.appSecret),
      }).expect(400);
      expect(fbError(badProof.body)).toMatchObject({ message: 'Invalid appsecret_proof provided in the API argument' });
      await permissions('not-a-token').expect(400);
      await request(base).get('/v25.0/me/permissions').expect(400);
      expect(state.getStats().permissionsCalls).toBe(4);
    });

    it('does not ask again for a declined permission unless re-requested', async () => {
      await answerWithBoxes({}, []);
      const again = await request(base).get('/v25.0/dialog/oauth').query(dialogParams()).expect(200);
      expect(aliceItem(again.text)).not.toContain('value="email"');
      // Bob was never asked: his box is there.
      expect(again.text).toMatch(/What Bob shares[\s\S]*?name="grant" value="email" checked/);
      // A bare confirm (everything asked granted) still leaves it declined.
      const token = (await exchange(await authorize()).expect(200)).body.access_token as string;
      expect((await me(token, { fields: 'id,email' }).expect(200)).body).toEqual({ id: ALICE });
      expect((await permissions(token).expect(200)).body.data).toContainEqual({
        permission: 'email',
        status: 'declined',
      });

      const rerequest = await request(base)
        .get('/v25.0/dialog/oauth')
        .query(dialogParams({ auth_type: 'rerequest', scope: 'email' }))
        .expect(200);
      expect(aliceItem(rerequest.text)).toMatch(/name="grant" value="email" checked/);
      const granted = await answerWithBoxes({ auth_type: 'rerequest', scope: 'email' }, ['email']);
      expect((await me(granted, { fields: 'id,email' }).expect(200)).body).toEqual({
        id: ALICE,
        email: 'alice@example.com',
      });
      expect((await permissions(granted).expect(200)).body.data).toEqual([
        { permission: 'public_profile', status: 'granted' },
        { permission: 'email', status: 'granted' },
      ]);
    });

    it('answers picture, in the size asked, pointing at an image of its own origin', async () => {
      const token = await tokenFor();
      const large = await me(token, { fields: 'id,picture.type(large)' }).expect(200);
      expect(large.body).toEqual({
        id: ALICE,
        picture: { data: { url: expect.any(String), width: 200, height: 200, is_silhouette: false } },
      });
      const url = new URL(large.body.picture.data.url as string);
      expect(url.origin).toBe(base);
      expect(url.pathname).toBe(`/emulator/pictures/${ALICE}.svg`);
      expect((await me(token, { fields: 'picture' }).expect(200)).body.picture.data.width).toBe(50);

      const image = await request(base)
        .get(url.pathname + url.search)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        });
      expect(image.status).toBe(200);
      expect(image.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(image.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(image.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="200" height="200"/);
      expect(image.body).toContain('>AL</text>');
      await request(base).get('/emulator/pictures/999.svg').expect(404);
      await request(base).get('/emulator/pictures/..%2Fx.svg').expect(404);
    });
  });

  describe('faults and knobs', () => {
    const addFault = (body: object) => request(base).post('/__emulator/faults').send(body).expect(200);

    it('answers health', async () => {
      await request(base).get('/__emulator/health').expect(200, { ok: true });
    });

    it('a 500 fault leaves the code usable for the retry', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'status' });
      const failed = await exchange(code).expect(500);
      expect(fbError(failed.body)).toEqual({
        message: 'An unexpected error has occurred. Please retry your request later.',
        type: 'OAuthException',
        is_transient: true,
        code: 2,
      });
      await exchange(code).expect(200);

      const stats = (await request(base).get('/__emulator/stats').expect(200)).body;
      const key = createHash('sha256').update(code).digest('hex');
      expect(stats).toEqual({
        tokenCalls: 2,
        meCalls: 0,
        permissionsCalls: 0,
        exchangesByCode: { [key]: 2 },
        successfulExchanges: 1,
        heldCalls: 0,
      });
      expect(JSON.stringify(stats)).not.toContain(code);
    });

    it('spend-then-late spends the code, then answers the token after delayMs', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'spend-then-late', delayMs: 300 });
      const started = Date.now();
      const late = await exchange(code).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(late.body).toMatchObject({ access_token: expect.any(String) });
      // The code was spent by the late call: a retry is refused as a reuse.
      const retry = await exchange(code).expect(400);
      expect(fbError(retry.body)).toMatchObject({ code: 100, error_subcode: 36009 });
    });

    it('spend-then-drop and spend-then-hang spend the code and never answer', async () => {
      const dropped = await authorize();
      await addFault({ endpoint: 'token', kind: 'spend-then-drop' });
      await expect(exchange(dropped)).rejects.toThrow();
      expect(fbError((await exchange(dropped).expect(400)).body)).toMatchObject({ error_subcode: 36009 });

      const hung = await authorize();
      await addFault({ endpoint: 'token', kind: 'spend-then-hang' });
      await expect(exchange(hung).timeout(300)).rejects.toThrow(/Timeout/);
      expect(fbError((await exchange(hung).expect(400)).body)).toMatchObject({ error_subcode: 36009 });
      expect(state.getStats().successfulExchanges).toBe(2);
    });

    it('hold keeps a call unanswered until released, then answers it as usual; reset drops a held one', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'hold' });
      let answered = false;
      const held = exchange(code).then((res) => {
        answered = true;
        return res;
      });
      await waitUntil(() => state.getStats().heldCalls === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(answered).toBe(false);
      expect((await request(base).get('/__emulator/stats').expect(200)).body).toMatchObject({ heldCalls: 1 });

      await request(base).post('/__emulator/faults/release').expect(200, { released: 1 });
      expect((await held).status).toBe(200);
      expect((await held).body).toMatchObject({ access_token: expect.any(String) });
      expect(state.getStats()).toMatchObject({ heldCalls: 0, successfulExchanges: 1 });
      await request(base).post('/__emulator/faults/release').expect(200, { released: 0 });

      const token = await tokenFor(ALICE);
      await addFault({ endpoint: 'me', kind: 'hold' });
      const dropped = me(token).then(
        () => 'answered',
        () => 'dropped',
      );
      await waitUntil(() => state.getStats().heldCalls === 1);
      await request(base).post('/__emulator/reset').expect(200);
      expect(await dropped).toBe('dropped');
      expect(state.getStats().heldCalls).toBe(0);
    });

    it('DELETE /faults forgets queued faults and nothing else; a held call whose client gives up is forgotten', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'status', times: 3 });
      await addFault({ endpoint: 'me', kind: 'hold' });
      await request(base).delete('/__emulator/faults').expect(200, { token: [], me: [], permissions: [] });
      const token = ((await exchange(code).expect(200)).body as { access_token: string }).access_token;

      await addFault({ endpoint: 'me', kind: 'hold' });
      await expect(me(token).timeout(200)).rejects.toThrow(/Timeout/);
      await waitUntil(() => state.getStats().heldCalls === 0);
      await me(token).expect(200);
    });

    it('refuses spend-then-* faults on /me and a late fault without delayMs', async () => {
      await request(base).post('/__emulator/faults').send({ endpoint: 'me', kind: 'spend-then-drop' }).expect(400);
      await request(base).post('/__emulator/faults').send({ endpoint: 'token', kind: 'spend-then-late' }).expect(400);
      await request(base).post('/__emulator/faults').send({ endpoint: 'token', kind: 'hang', delayMs: 5 }).expect(400);
    });

    it('consumes faults in order, with custom statuses', async () => {
      await addFault({ endpoint: 'me', kind: 'status', status: 503, times: 2 });
      await addFault({ endpoint: 'me', kind: 'throttle' });
      const token = await tokenFor(ALICE);
      await me(token).expect(503);
      await me(token).expect(503);
      const throttled = await me(token).expect(400);
      expect(fbError(throttled.body)).toEqual({
        message: '(#4) Application request limit reached',
        type: 'OAuthException',
        is_transient: true,
        code: 4,
      });
      await me(token).expect(200);
      expect(state.getStats().meCalls).toBe(4);
    });

    it('malformed answers 200 with truncated JSON', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'malformed' });
      const res = await exchange(code)
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toBe('{"access_token": ');
      await exchange(code).expect(200);
    });

    it('hang never answers, and the socket is released when the client gives up', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'hang' });
      const error = await exchange(code)
        .timeout(300)
        .then(
          () => undefined,
          (err: { timeout?: number }) => err,
        );
      expect(error?.timeout).toBe(300);
      await waitFor(() => state.inFlightCount() === 0);
      await exchange(code).expect(200);
    });

    it('huge and missing-id distort an otherwise valid profile', async () => {
      const token = await tokenFor(ALICE);
      await addFault({ endpoint: 'me', kind: 'huge' });
      await addFault({ endpoint: 'me', kind: 'missing-id' });
      const huge = await me(token, { fields: 'id,name,email' }).expect(200);
      expect(huge.body.first_name).toHaveLength(100_000);
      expect(huge.body.id).toBe(ALICE);
      const missing = await me(token, { fields: 'id,name' }).expect(200);
      expect(missing.body).toEqual({ name: 'Alice Liddell' });
    });

    it('validates knob bodies', async () => {
      const badFault = await request(base)
        .post('/__emulator/faults')
        .send({ endpoint: 'token', kind: 'huge' })
        .expect(400);
      expect(badFault.body).toEqual({
        error: { message: expect.stringContaining('kind') },
      });
      const badConfig = await request(base).put('/__emulator/config').send({ failureRate: 1.5 }).expect(400);
      expect(badConfig.body).toEqual({
        error: { message: expect.stringContaining('failureRate') },
      });
      await request(base)
        .put('/__emulator/config')
        .send({ latency: { medianMs: 50, p99Ms: 10 } })
        .expect(400);
      await request(base)
        .put('/__emulator/config')
        .set('Content-Type', 'application/json')
        .send('{"latency":')
        .expect(400)
        .expect((res) => expect(res.body.error.message).toEqual(expect.any(String)));
    });

    it('failureRate 1 fails every token and me call with a transient 500', async () => {
      const code = await authorize();
      await request(base).put('/__emulator/config').send({ failureRate: 1 }).expect(200);
      expect(fbError((await exchange(code).expect(500)).body).code).toBe(2);
      await request(base).put('/__emulator/config').send({ failureRate: 0 }).expect(200);
      await exchange(code).expect(200);
    });

    it('latency delays token and me calls but not the dialog', async () => {
      const token = await tokenFor(ALICE);
      await request(base)
        .put('/__emulator/config')
        .send({ latency: { fixedMs: 250 } })
        .expect(200, {
          latency: { fixedMs: 250 },
          failureRate: 0,
          requireAppSecretProof: true,
        });

      let started = Date.now();
      await me(token).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);

      started = Date.now();
      await request(base).get('/v25.0/dialog/oauth').query(dialogParams()).expect(200);
      expect(Date.now() - started).toBeLessThan(240);

      await request(base)
        .put('/__emulator/config')
        .send({ latency: { medianMs: 5, p99Ms: 20 } })
        .expect(200);
      await me(token).expect(200);
    });

    it('manages users', async () => {
      await request(base)
        .put('/__emulator/users/77')
        .send({ first_name: 'Nina', last_name: 'Null', email: null })
        .expect(200, {
          id: '77',
          name: 'Nina Null',
          first_name: 'Nina',
          last_name: 'Null',
        });
      await request(base).put('/__emulator/users/x').send({ first_name: 'A', last_name: 'B' }).expect(400);
      const users = (await request(base).get('/__emulator/users').expect(200)).body as Array<{
        id: string;
      }>;
      expect(users.map((user) => user.id)).toEqual([ALICE, BOB, ZOE, '77']);
      const page = await request(base).get('/v25.0/dialog/oauth').query(dialogParams());
      expect(page.text).toContain('Continue as Nina');
      await request(base).delete('/__emulator/users/77').expect(204);
      await request(base).delete('/__emulator/users/77').expect(404);
    });

    it('reset clears codes, tokens, faults and config', async () => {
      const code = await authorize();
      await addFault({ endpoint: 'token', kind: 'status' });
      await request(base).put('/__emulator/config').send({ failureRate: 1 });
      await request(base).post('/__emulator/reset').expect(200, { ok: true });
      const res = await exchange(code).expect(400);
      expect(fbError(res.body).message).toBe('Invalid verification code format.');
    });

    it('answers unknown paths with a Graph-style error', async () => {
      const res = await request(base).get('/v25.0/nope/nothing').expect(404);
      expect(fbError(res.body).code).toBe(2500);
    });
  });
});

describe(`${FacebookEmulatorModule.name} built with @nestjs/testing`, () => {
  it('expires codes by the injected clock (36007)', async () => {
    let now = Date.now();
    const moduleRef = await Test.createTestingModule({
      imports: [FacebookEmulatorModule.forRoot({ ...OPTIONS, codeTtlMs: 1000 })],
    })
      .overrideProvider(EMULATOR_CLOCK)
      .useValue({ now: () => now })
      .compile();
    const app = configureFacebookEmulatorApp(
      moduleRef.createNestApplication<NestExpressApplication>({
        logger: false,
      }),
    );
    await app.init();
    try {
      const server = app.getHttpServer();
      const confirm = await request(server)
        .post('/v25.0/dialog/oauth/confirm')
        .type('form')
        .send({ ...dialogParams(), user_id: ALICE })
        .expect(302);
      const code = new URL(confirm.headers.location).searchParams.get('code');
      now += 1000;
      const res = await request(server)
        .post('/v25.0/oauth/access_token')
        .type('form')
        .send({
          client_id: APP.appId,
          client_secret: APP.appSecret,
          redirect_uri: REDIRECT,
          code,
        })
        .expect(400);
      expect(fbError(res.body)).toEqual({
        message: 'This authorization code has expired.',
        type: 'OAuthException',
        code: 100,
        error_subcode: 36007,
      });
    } finally {
      await app.close();
    }
  });

  it("points /me's pictures at the browser-facing origin (publicUrl), not the one the request arrived at", async () => {
    const app = await createFacebookEmulatorApp({ ...OPTIONS, publicUrl: 'http://localhost:4999/' }, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const server = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const confirm = await request(server)
        .post('/v25.0/dialog/oauth/confirm')
        .type('form')
        .send({ ...dialogParams(), user_id: ALICE })
        .expect(302);
      const code = new URL(confirm.headers.location).searchParams.get('code');
      const token = await request(server)
        .post('/v25.0/oauth/access_token')
        .type('form')
        .send({ client_id: APP.appId, client_secret: APP.appSecret, redirect_uri: REDIRECT, code })
        .expect(200);
      const accessToken = (token.body as { access_token: string }).access_token;
      const profile = await request(server)
        .get('/v25.0/me')
        .query({
          access_token: accessToken,
          appsecret_proof: computeAppSecretProof(accessToken, APP.appSecret),
          fields: 'id,picture.type(large)',
        })
        .expect(200);
      const picture = new URL((profile.body as { picture: { data: { url: string } } }).picture.data.url);
      expect(picture.origin).toBe('http://localhost:4999');
      expect(picture.pathname).toBe(`/emulator/pictures/${ALICE}.svg`);
    } finally {
      await app.close();
    }
  });

  it('refuses a publicUrl that is not an origin', () => {
    expect(() => resolveEmulatorOptions({ ...OPTIONS, publicUrl: 'http://localhost:4999/emulator' })).toThrow(
      /publicUrl/,
    );
  });

  it('shuts down promptly while a response hangs', async () => {
    const app = await createFacebookEmulatorApp(OPTIONS, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    app.get(EmulatorStateService).addFault({ endpoint: 'me', kind: 'hang' });

    const outcome = new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/v25.0/me' }, () => resolve('answered'))
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    await waitFor(() => app.get(EmulatorStateService).inFlightCount() === 1);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await outcome).toBe('ECONNRESET');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

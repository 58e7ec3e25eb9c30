import { beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { emulatorCodeKey, pkceS256Challenge } from '../emulator-crypto';
import type { EmulatorClock } from '../emulator.constants';
import { DEFAULT_GOOGLE_TEST_USERS } from './default-google-test-users';
import { resolveGoogleEmulatorOptions, type GoogleEmulatorOptions } from './google-emulator.options';
import {
  GoogleEmulatorStateService,
  type GoogleIssueCodeInput,
  type GoogleTokenRequest,
  type GoogleTokenResult,
  type IdentityDistortion,
} from './google-emulator-state.service';
import type { GoogleErrorResponse } from './google-errors';
import { generateGoogleSigningKey, type GoogleSigningKey } from './google-signing-key';

const CLIENT = {
  clientId: '111-one.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-one',
  redirectUris: ['http://localhost:3000/auth/google/callback'],
};
const OTHER_CLIENT = {
  clientId: '222-two.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-two',
  redirectUris: ['http://localhost:4000/cb'],
};
const ORIGIN = 'http://127.0.0.1:3001';
const VERIFIER = 'a'.repeat(43);
const CODE_TTL_MS = 60_000;
const [ALICE, GRACE] = DEFAULT_GOOGLE_TEST_USERS;

class FakeClock implements EmulatorClock {
  current = 1_700_000_000_000;
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

function errorOf(result: { ok: boolean; error?: GoogleErrorResponse }): GoogleErrorResponse {
  if (result.ok || !result.error) throw new Error('expected a failure');
  return result.error;
}

function bodyOf(result: GoogleTokenResult) {
  if (!result.ok) throw new Error(`exchange failed: ${result.error.body.error}`);
  return result.body;
}

describe(GoogleEmulatorStateService.name, () => {
  let key: GoogleSigningKey;
  let clock: FakeClock;
  let state: GoogleEmulatorStateService;

  const make = (options: Partial<GoogleEmulatorOptions> = {}) =>
    new GoogleEmulatorStateService(
      resolveGoogleEmulatorOptions({
        clients: [CLIENT, OTHER_CLIENT],
        codeTtlMs: CODE_TTL_MS,
        ...options,
      }),
      key,
      clock,
    );

  const issue = (overrides: Partial<GoogleIssueCodeInput> = {}): string =>
    state.issueCode({
      clientId: CLIENT.clientId,
      redirectUri: CLIENT.redirectUris[0],
      sub: ALICE.sub,
      scopes: ['openid', 'email', 'profile'],
      nonce: 'the-nonce',
      codeChallenge: pkceS256Challenge(VERIFIER),
      ...overrides,
    });

  const exchange = (
    code: string | undefined,
    overrides: Partial<GoogleTokenRequest> = {},
    distortion?: IdentityDistortion,
  ) =>
    state.exchangeCode(
      {
        grantType: 'authorization_code',
        code,
        redirectUri: CLIENT.redirectUris[0],
        codeVerifier: VERIFIER,
        clientId: CLIENT.clientId,
        clientSecret: CLIENT.clientSecret,
        origin: ORIGIN,
        ...overrides,
      },
      distortion,
    );

  beforeAll(async () => {
    key = await generateGoogleSigningKey();
  });

  beforeEach(() => {
    clock = new FakeClock();
    state = make();
  });

  describe('discovery and keys', () => {
    it('uses the request origin when no issuer is configured', () => {
      const config = state.discovery(ORIGIN);
      expect(config.issuer).toBe(`${ORIGIN}/google`);
      expect(config.authorization_endpoint).toBe(`${ORIGIN}/google/o/oauth2/v2/auth`);
      expect(state.issuerFor('http://localhost:3001')).toBe('http://localhost:3001/google');
    });

    it('pins a configured issuer, and sends browsers to the issuer origin unless a public URL is given', () => {
      state = make({ issuer: 'http://127.0.0.1:3001/google/' });
      expect(state.discovery('http://localhost:9999')).toMatchObject({
        issuer: 'http://127.0.0.1:3001/google',
        authorization_endpoint: 'http://127.0.0.1:3001/google/o/oauth2/v2/auth',
        token_endpoint: 'http://127.0.0.1:3001/google/token',
      });
      state = make({
        issuer: 'http://127.0.0.1:3001/google',
        publicUrl: 'http://192.168.1.20:3001/',
      });
      expect(state.discovery(ORIGIN).authorization_endpoint).toBe('http://192.168.1.20:3001/google/o/oauth2/v2/auth');
    });

    it('publishes the public key only', () => {
      const { keys } = state.jwks();
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({
        kty: 'RSA',
        kid: key.kid,
        alg: 'RS256',
        use: 'sig',
      });
      expect(keys[0]).not.toHaveProperty('d');
    });
  });

  describe('code exchange', () => {
    it('signs an id_token with the claims, the nonce and times from the clock', async () => {
      const body = bodyOf(await exchange(issue()));
      const { payload } = await jwtVerify(body.id_token, createLocalJWKSet(state.jwks()), {
        issuer: `${ORIGIN}/google`,
        audience: CLIENT.clientId,
        currentDate: new Date(clock.now()),
      });
      expect(payload).toMatchObject({
        sub: ALICE.sub,
        azp: CLIENT.clientId,
        nonce: 'the-nonce',
        email: ALICE.email,
        iat: clock.now() / 1000,
        exp: clock.now() / 1000 + 3600,
      });
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    });

    it('expires codes after codeTtlMs, and a code just before is fine', async () => {
      const late = issue();
      const early = issue();
      clock.advance(CODE_TTL_MS - 1);
      expect((await exchange(early)).ok).toBe(true);
      clock.advance(1);
      expect(errorOf(await exchange(late)).body).toEqual({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      });
    });

    it('checks grant_type, then the client, then the parameters, without spending the code', async () => {
      const code = issue();
      expect(errorOf(await exchange(code, { grantType: 'password' })).body.error).toBe('unsupported_grant_type');
      expect(errorOf(await exchange(code, { clientId: 'nope' })).status).toBe(401);
      expect(errorOf(await exchange(code, { clientSecret: CLIENT.clientSecret.slice(1) })).status).toBe(401);
      expect(errorOf(await exchange(code, { redirectUri: undefined })).body.error).toBe('invalid_request');
      expect(state.getStats().successfulExchanges).toBe(0);
      expect((await exchange(code)).ok).toBe(true);
    });

    it('spends the code on a redirect_uri or PKCE mismatch', async () => {
      const mismatched = issue();
      expect(
        errorOf(
          await exchange(mismatched, {
            redirectUri: OTHER_CLIENT.redirectUris[0],
          }),
        ).body.error,
      ).toBe('redirect_uri_mismatch');
      expect(errorOf(await exchange(mismatched)).body.error).toBe('invalid_grant');

      const badVerifier = issue();
      expect(errorOf(await exchange(badVerifier, { codeVerifier: 'b'.repeat(43) })).body.error).toBe('invalid_grant');
      expect(errorOf(await exchange(badVerifier)).body.error).toBe('invalid_grant');
    });

    it("refuses another client's code", async () => {
      const code = issue();
      const result = await exchange(code, {
        clientId: OTHER_CLIENT.clientId,
        clientSecret: OTHER_CLIENT.clientSecret,
      });
      expect(errorOf(result).body).toEqual({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      });
    });

    it('revokes the tokens of a replayed code', async () => {
      const code = issue();
      const { access_token: token } = bodyOf(await exchange(code));
      expect(state.userinfo(token).ok).toBe(true);
      expect(errorOf(await exchange(code)).body.error).toBe('invalid_grant');
      expect(errorOf(state.userinfo(token)).status).toBe(401);
    });

    it('authenticates with HTTP Basic, and only one way at a time', async () => {
      const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
      const code = issue();
      expect(errorOf(await exchange(code, { authorization: basic })).body.error).toBe('invalid_request');
      expect(
        errorOf(
          await exchange(code, {
            authorization: 'Basic !!!',
            clientSecret: undefined,
          }),
        ).headers,
      ).toEqual({
        'WWW-Authenticate': expect.stringContaining('Basic'),
      });
      expect(
        (
          await exchange(code, {
            authorization: basic,
            clientSecret: undefined,
          })
        ).ok,
      ).toBe(true);
    });

    it('refuses to issue codes for unregistered redirect URIs or unknown users', () => {
      expect(() => issue({ redirectUri: 'http://evil.test/cb' })).toThrow(/redirect_uri/);
      expect(() => issue({ sub: '1' })).toThrow(/user/);
    });
  });

  describe('userinfo', () => {
    it('answers by scope, and 401 for expired tokens', async () => {
      const { access_token: token } = bodyOf(await exchange(issue({ sub: GRACE.sub, scopes: ['openid', 'email'] })));
      expect(state.userinfo(token)).toEqual({
        ok: true,
        body: { sub: GRACE.sub, email: GRACE.email, email_verified: true },
      });
      clock.advance(3599 * 1000);
      expect(errorOf(state.userinfo(token)).body).toEqual({
        error: 'invalid_request',
        error_description: 'Invalid Credentials',
      });
      expect(errorOf(state.userinfo(undefined)).status).toBe(401);
    });

    it('applies huge and missing-id', async () => {
      const { access_token: token, id_token: idToken } = bodyOf(await exchange(issue(), {}, 'huge'));
      expect(decodeJwt(idToken).given_name).toHaveLength(100_000);
      expect(decodeJwt(idToken).name).toBe(`${'a'.repeat(100_000)} Liddell`);
      const info = state.userinfo(token, 'missing-id');
      expect(info.ok && info.body).not.toHaveProperty('sub');
    });
  });

  describe('knobs', () => {
    it('queues faults per Google endpoint, with the shared rules', () => {
      state.addFault({
        endpoint: 'jwks',
        kind: 'status',
        status: 503,
        times: 2,
      });
      state.addFault({ endpoint: 'userinfo', kind: 'huge' });
      expect(state.takeFault('jwks')).toEqual({ kind: 'status', status: 503 });
      expect(state.takeFault('jwks')).toEqual({ kind: 'status', status: 503 });
      expect(state.takeFault('jwks')).toBeUndefined();
      expect(state.takeFault('userinfo')).toEqual({ kind: 'huge' });
      expect(() => state.addFault({ endpoint: 'discovery', kind: 'missing-id' })).toThrow(
        "kinds 'huge' and 'missing-id' only apply to endpoints 'token' or 'userinfo'",
      );
      expect(() => state.addFault({ endpoint: 'jwks', kind: 'spend-then-hang' })).toThrow(/endpoint 'token'/);
    });

    it('validates config: latency and failureRate only', () => {
      expect(() => state.configure({ failureRate: 2 })).toThrow(/failureRate/);
      expect(() => state.configure({ requireAppSecretProof: true } as never)).toThrow();
      expect(state.configure({ latency: { fixedMs: 5 } })).toEqual({
        latency: { fixedMs: 5 },
        failureRate: 0,
      });
    });

    it('validates accounts', () => {
      expect(() =>
        state.upsertUser({
          sub: 'abc',
          email: 'a@example.net',
          given_name: 'A',
        }),
      ).toThrow(/sub/);
      expect(() => state.upsertUser({ sub: '5', email: 'nope', given_name: 'A' })).toThrow(/email/);
      expect(
        state.upsertUser({
          sub: '5',
          email: 'a@example.net',
          given_name: 'A',
          family_name: 'B',
        }),
      ).toEqual({
        sub: '5',
        name: 'A B',
        given_name: 'A',
        family_name: 'B',
        email: 'a@example.net',
        email_verified: true,
      });
    });

    it('counts calls per endpoint and exchanges per hashed code', () => {
      const code = issue();
      state.recordCall('token', code);
      state.recordCall('token', code);
      state.recordCall('discovery');
      expect(state.getStats()).toEqual({
        discoveryCalls: 1,
        tokenCalls: 2,
        jwksCalls: 0,
        userinfoCalls: 0,
        exchangesByCode: { [emulatorCodeKey(code)]: 2 },
        successfulExchanges: 0,
        heldCalls: 0,
      });
    });

    it('reset restores boot accounts and clears codes, tokens, faults, config and stats, but keeps the key', async () => {
      const code = issue();
      state.deleteUser(GRACE.sub);
      state.configure({ failureRate: 1 });
      state.addFault({ endpoint: 'token', kind: 'hang' });
      state.recordCall('jwks');
      const kid = state.jwks().keys[0].kid;

      state.reset();

      expect(state.listUsers().map((user) => user.sub)).toEqual(DEFAULT_GOOGLE_TEST_USERS.map((user) => user.sub));
      expect(state.getConfig()).toEqual({ latency: null, failureRate: 0 });
      expect(state.listFaults()).toEqual({
        discovery: [],
        token: [],
        jwks: [],
        userinfo: [],
      });
      expect(state.getStats().jwksCalls).toBe(0);
      expect(state.jwks().keys[0].kid).toBe(kid);
      expect(errorOf(await exchange(code)).body.error).toBe('invalid_grant');
    });

    it('releases hanging responses on reset and everything on shutdown', () => {
      const hang = { destroy: jest.fn() };
      const delay = { destroy: jest.fn() };
      state.trackInFlight(hang, 'hang');
      state.trackInFlight(delay, 'delay');
      state.reset();
      expect(hang.destroy).toHaveBeenCalledTimes(1);
      expect(delay.destroy).not.toHaveBeenCalled();
      state.beforeApplicationShutdown();
      expect(delay.destroy).toHaveBeenCalledTimes(1);
      expect(state.inFlightCount()).toBe(0);
    });
  });
});

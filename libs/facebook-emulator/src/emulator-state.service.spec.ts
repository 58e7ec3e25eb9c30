import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DEFAULT_TEST_USERS, ZOE_LAST_NAME } from './default-test-users';
import { computeAppSecretProof, emulatorCodeKey, pkceS256Challenge } from './emulator-crypto';
import {
  APPSECRET_TIME_WINDOW_S,
  EmulatorStateService,
  type IssueCodeInput,
  type TokenExchangeResult,
} from './emulator-state.service';
import type { FacebookErrorResponse } from './facebook-errors';
import { ACCESS_TOKEN_EXPIRES_IN_SECONDS, type EmulatorClock } from './facebook-emulator.options';
import { sampleLatencyMs, Z_99 } from './latency';

const APP = {
  appId: '1111111111111111',
  appSecret: 'app-secret',
  redirectUris: ['http://localhost:3000/auth/facebook/callback'],
};
const OTHER_APP = {
  appId: '2222222222222222',
  appSecret: 'other-secret',
  redirectUris: ['http://localhost:4000/cb'],
};
const ALICE = DEFAULT_TEST_USERS[0];
const BOB = DEFAULT_TEST_USERS[1];
const CODE_TTL_MS = 60_000;

class FakeClock implements EmulatorClock {
  current = 1_700_000_000_000;
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

function errorOf(result: { ok: boolean; error?: FacebookErrorResponse }): FacebookErrorResponse {
  if (result.ok || !result.error) throw new Error('expected a failure');
  return result.error;
}

function tokenOf(result: TokenExchangeResult): string {
  if (!result.ok) throw new Error(`exchange failed: ${result.error.body.error.message}`);
  return result.body.access_token;
}

describe(EmulatorStateService.name, () => {
  let clock: FakeClock;
  let state: EmulatorStateService;

  const issue = (overrides: Partial<IssueCodeInput> = {}): string =>
    state.issueCode({
      clientId: APP.appId,
      redirectUri: APP.redirectUris[0],
      userId: ALICE.id,
      scopes: ['public_profile', 'email'],
      ...overrides,
    });

  const exchange = (code: string, overrides: Record<string, string | undefined> = {}) =>
    state.exchangeCode({
      clientId: APP.appId,
      clientSecret: APP.appSecret,
      redirectUri: APP.redirectUris[0],
      code,
      ...overrides,
    });

  const proofFor = (token: string) => computeAppSecretProof(token, APP.appSecret);

  beforeEach(() => {
    clock = new FakeClock();
    state = new EmulatorStateService({ apps: [APP, OTHER_APP], codeTtlMs: CODE_TTL_MS }, clock);
  });

  describe('default users', () => {
    it('ships Alice, Bob without email and Zoë with a 300-character accented surname', () => {
      expect(state.getUser('10000000000000001')).toMatchObject({
        name: 'Alice Liddell',
        email: 'alice@example.com',
      });
      expect(state.getUser('10000000000000002')).not.toHaveProperty('email');
      const zoe = state.getUser('10000000000000003');
      expect(zoe).toMatchObject({
        first_name: 'Zoë 😀',
        email: 'zoe.angstrom@example.org',
      });
      expect(ZOE_LAST_NAME).toHaveLength(300);
      expect([...ZOE_LAST_NAME]).toHaveLength(300);
      expect(ZOE_LAST_NAME.normalize('NFC')).toBe(ZOE_LAST_NAME);
      expect(ZOE_LAST_NAME.startsWith('Ångström-Ñúñez')).toBe(true);
    });
  });

  describe('code exchange', () => {
    it('mints a long random code and exchanges it once for a bearer token', () => {
      const code = issue();
      expect(code).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      const result = exchange(code);
      expect(result).toEqual({
        ok: true,
        body: {
          access_token: expect.stringMatching(/^EAA[A-Za-z0-9]+$/),
          token_type: 'bearer',
          expires_in: ACCESS_TOKEN_EXPIRES_IN_SECONDS,
        },
      });
      expect(state.getStats().successfulExchanges).toBe(1);
    });

    it('refuses a reused code with 36009 and revokes the token it produced', () => {
      const code = issue();
      const token = tokenOf(exchange(code));
      expect(
        state.getProfile({
          accessToken: token,
          appsecretProof: proofFor(token),
        }).ok,
      ).toBe(true);

      const reuse = errorOf(exchange(code));
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toMatchObject({
        message: 'This authorization code has been used.',
        type: 'OAuthException',
        code: 100,
        error_subcode: 36009,
      });
      const afterReuse = errorOf(
        state.getProfile({
          accessToken: token,
          appsecretProof: proofFor(token),
        }),
      );
      expect(afterReuse.body.error.code).toBe(190);
    });

    it('expires codes after codeTtlMs (36007)', () => {
      const code = issue();
      clock.advance(CODE_TTL_MS);
      expect(errorOf(exchange(code)).body.error).toMatchObject({
        message: 'This authorization code has expired.',
        code: 100,
        error_subcode: 36007,
      });
    });

    it('accepts a code just before it expires', () => {
      const code = issue();
      clock.advance(CODE_TTL_MS - 1);
      expect(exchange(code).ok).toBe(true);
    });

    it('checks client id, then secret, then the code', () => {
      const code = issue();
      expect(errorOf(exchange(code, { clientId: '999' })).body.error).toMatchObject({
        message: 'Error validating application. Invalid application ID.',
        code: 101,
      });
      expect(errorOf(exchange(code, { clientId: '999', clientSecret: 'wrong' })).body.error.code).toBe(101);
      expect(errorOf(exchange(code, { clientSecret: 'wrong' })).body.error).toMatchObject({
        message: 'Error validating client secret.',
        code: 1,
      });
      expect(errorOf(exchange('')).body.error).toMatchObject({
        message: 'Invalid verification code format.',
        code: 100,
      });
      expect(errorOf(exchange('not-a-code')).body.error.code).toBe(100);
      // None of the failures above got past the client checks with this code.
      expect(exchange(code).ok).toBe(true);
    });

    it('rejects a redirect_uri that differs from the dialog one (36008) and burns the code', () => {
      const code = issue();
      expect(errorOf(exchange(code, { redirectUri: `${APP.redirectUris[0]}/` })).body.error).toMatchObject({
        code: 100,
        error_subcode: 36008,
      });
      expect(errorOf(exchange(code)).body.error.error_subcode).toBe(36009);
    });

    it("rejects another app's code as an invalid code", () => {
      const code = issue();
      const result = errorOf(
        exchange(code, {
          clientId: OTHER_APP.appId,
          clientSecret: OTHER_APP.appSecret,
        }),
      );
      expect(result.body.error).toMatchObject({
        message: 'Invalid verification code format.',
        code: 100,
      });
      expect(result.body.error).not.toHaveProperty('error_subcode');
    });

    it('verifies S256 PKCE and spends the code even when the verifier is wrong', () => {
      const verifier = 'v'.repeat(64);
      const code = issue({
        codeChallenge: pkceS256Challenge(verifier),
        codeChallengeMethod: 'S256',
      });
      expect(errorOf(exchange(code, { codeVerifier: 'x'.repeat(64) })).body.error).toMatchObject({
        message: 'Invalid code verifier.',
        code: 100,
      });
      expect(errorOf(exchange(code, { codeVerifier: verifier })).body.error.error_subcode).toBe(36009);

      const second = issue({
        codeChallenge: pkceS256Challenge(verifier),
        codeChallengeMethod: 'S256',
      });
      expect(errorOf(exchange(second)).body.error.message).toBe('Invalid code verifier.');

      const third = issue({
        codeChallenge: pkceS256Challenge(verifier),
        codeChallengeMethod: 'S256',
      });
      expect(exchange(third, { codeVerifier: verifier }).ok).toBe(true);
    });

    it('matches the RFC 7636 S256 example', () => {
      expect(pkceS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
        'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      );
    });

    it('supports the plain PKCE method', () => {
      const verifier = 'p'.repeat(43);
      const code = issue({
        codeChallenge: verifier,
        codeChallengeMethod: 'plain',
      });
      expect(exchange(code, { codeVerifier: verifier }).ok).toBe(true);
    });

    it('refuses to issue codes for unregistered redirect URIs or unknown users', () => {
      expect(() => issue({ redirectUri: 'http://evil.example/cb' })).toThrow();
      expect(() => issue({ userId: '42' })).toThrow();
    });
  });

  describe('profile', () => {
    const tokenFor = (userId: string, scopes = ['public_profile', 'email']): string =>
      tokenOf(exchange(issue({ userId, scopes })));

    it('answers 2500 without a token and 190 for an unknown one', () => {
      expect(errorOf(state.getProfile({})).body.error).toMatchObject({
        message: 'An active access token must be used to query information about the current user.',
        code: 2500,
      });
      expect(errorOf(state.getProfile({ accessToken: 'EAAnope' })).body.error).toMatchObject({
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
      });
    });

    it('requires a correct appsecret_proof', () => {
      const token = tokenFor(ALICE.id);
      expect(errorOf(state.getProfile({ accessToken: token })).body.error).toMatchObject({
        message: 'API calls from the server require an appsecret_proof argument',
        type: 'GraphMethodException',
        code: 100,
      });
      expect(
        errorOf(
          state.getProfile({
            accessToken: token,
            appsecretProof: computeAppSecretProof(token, 'wrong-secret'),
          }),
        ).body.error,
      ).toMatchObject({
        message: 'Invalid appsecret_proof provided in the API argument',
        type: 'GraphMethodException',
        code: 100,
      });
      expect(
        state.getProfile({
          accessToken: token,
          appsecretProof: proofFor(token),
        }).ok,
      ).toBe(true);
    });

    it('takes the timestamped proof (appsecret_time) within its window, and only that', () => {
      const token = tokenFor(ALICE.id);
      const nowS = clock.now() / 1000;
      const timed = (time: number, secret = APP.appSecret) => ({
        accessToken: token,
        appsecretTime: String(time),
        appsecretProof: computeAppSecretProof(token, secret, String(time)),
      });
      expect(state.getProfile(timed(nowS)).ok).toBe(true);
      expect(state.getProfile(timed(nowS - APPSECRET_TIME_WINDOW_S)).ok).toBe(true);
      expect(errorOf(state.getProfile(timed(nowS - APPSECRET_TIME_WINDOW_S - 1))).body.error).toMatchObject({
        message: 'Invalid appsecret_time provided in the API argument',
        code: 100,
      });
      expect(errorOf(state.getProfile(timed(nowS + APPSECRET_TIME_WINDOW_S + 1))).body.error.code).toBe(100);
      expect(errorOf(state.getProfile(timed(nowS, 'wrong-secret'))).body.error.message).toBe(
        'Invalid appsecret_proof provided in the API argument',
      );
      // The plain proof sent with a time is a proof of something else.
      expect(
        state.getProfile({ accessToken: token, appsecretTime: String(nowS), appsecretProof: proofFor(token) }).ok,
      ).toBe(false);
      expect(state.getProfile({ ...timed(nowS), appsecretTime: 'soon' }).ok).toBe(false);
    });

    it('lets the proof be optional when not required, but still checks a given one', () => {
      state.configure({ requireAppSecretProof: false });
      const token = tokenFor(ALICE.id);
      expect(state.getProfile({ accessToken: token }).ok).toBe(true);
      expect(state.getProfile({ accessToken: token, appsecretProof: 'abc' }).ok).toBe(false);
    });

    it('returns id,name by default and only the requested fields, id appended', () => {
      const token = tokenFor(ALICE.id);
      const profile = (fields?: string) =>
        state.getProfile({
          accessToken: token,
          appsecretProof: proofFor(token),
          fields,
        });
      expect(profile()).toMatchObject({
        ok: true,
        profile: { id: ALICE.id, name: 'Alice Liddell' },
      });
      const selected = profile('first_name, email');
      if (!selected.ok) throw new Error('expected a profile');
      expect(Object.keys(selected.profile)).toEqual(['first_name', 'email', 'id']);
      expect(selected.profile).toEqual({
        first_name: 'Alice',
        email: 'alice@example.com',
        id: ALICE.id,
      });
      expect(profile('id,last_name,short_name,middle_name')).toEqual({
        ok: true,
        userId: ALICE.id,
        profile: { id: ALICE.id, last_name: 'Liddell', short_name: 'Alice' },
      });
    });

    it('names an unknown field in the error', () => {
      const token = tokenFor(ALICE.id);
      expect(
        errorOf(
          state.getProfile({
            accessToken: token,
            appsecretProof: proofFor(token),
            fields: 'id,birthday',
          }),
        ).body.error,
      ).toMatchObject({
        message: '(#100) Tried accessing nonexisting field (birthday) on node type (User)',
        code: 100,
      });
    });

    it('omits email when the user has none or the scope was not granted', () => {
      const bob = tokenFor(BOB.id);
      const bobProfile = state.getProfile({
        accessToken: bob,
        appsecretProof: proofFor(bob),
        fields: 'id,name,email',
      });
      expect(bobProfile).toMatchObject({ ok: true });
      expect(bobProfile.ok && bobProfile.profile).not.toHaveProperty('email');

      const noScope = tokenFor(ALICE.id, ['public_profile']);
      const aliceProfile = state.getProfile({
        accessToken: noScope,
        appsecretProof: proofFor(noScope),
        fields: 'email',
      });
      expect(aliceProfile.ok && aliceProfile.profile).toEqual({ id: ALICE.id });
    });

    it('invalidates tokens of deleted users', () => {
      const token = tokenFor(ALICE.id);
      expect(state.deleteUser(ALICE.id)).toBe(true);
      expect(
        errorOf(
          state.getProfile({
            accessToken: token,
            appsecretProof: proofFor(token),
          }),
        ).body.error.code,
      ).toBe(190);
    });
  });

  describe('knobs', () => {
    it('consumes faults in order, `times` copies each', () => {
      state.addFault({
        endpoint: 'token',
        kind: 'status',
        status: 503,
        times: 2,
      });
      state.addFault({ endpoint: 'token', kind: 'throttle' });
      state.addFault({ endpoint: 'me', kind: 'huge' });
      expect(state.takeFault('token')).toEqual({ kind: 'status', status: 503 });
      expect(state.takeFault('token')).toEqual({ kind: 'status', status: 503 });
      expect(state.takeFault('token')).toEqual({ kind: 'throttle' });
      expect(state.takeFault('token')).toBeUndefined();
      expect(state.takeFault('me')).toEqual({ kind: 'huge' });
    });

    it('defaults a status fault to 500 and rejects profile faults on the token endpoint', () => {
      state.addFault({ endpoint: 'me', kind: 'status' });
      expect(state.takeFault('me')).toEqual({ kind: 'status', status: 500 });
      expect(() => state.addFault({ endpoint: 'token', kind: 'missing-id' })).toThrow(/kind/);
    });

    it('validates config and injects failures at the configured rate', () => {
      expect(() => state.configure({ failureRate: 2 })).toThrow(/failureRate/);
      expect(() => state.configure({ latency: { medianMs: 100, p99Ms: 50 } })).toThrow(/p99Ms/);
      expect(state.shouldInjectFailure(() => 0)).toBe(false);
      state.configure({ failureRate: 0.25 });
      expect(state.shouldInjectFailure(() => 0.2)).toBe(true);
      expect(state.shouldInjectFailure(() => 0.3)).toBe(false);
      state.configure({ latency: { fixedMs: 20 } });
      expect(state.sampleLatencyMs()).toBe(20);
      expect(state.getConfig()).toMatchObject({
        failureRate: 0.25,
        latency: { fixedMs: 20 },
      });
    });

    it('counts exchange attempts per hashed code', () => {
      const code = issue();
      state.recordTokenCall(code);
      state.recordTokenCall(code);
      state.recordTokenCall(undefined);
      const stats = state.getStats();
      expect(stats.tokenCalls).toBe(3);
      expect(stats.exchangesByCode).toEqual({ [emulatorCodeKey(code)]: 2 });
      expect(JSON.stringify(stats)).not.toContain(code);
    });

    it('reset restores boot users and config and clears codes, tokens, faults and stats', () => {
      const code = issue();
      state.upsertUser({
        id: '42',
        first_name: 'New',
        last_name: 'Person',
        email: null,
      });
      state.deleteUser(BOB.id);
      state.configure({ failureRate: 1, requireAppSecretProof: false });
      state.addFault({ endpoint: 'me', kind: 'hang' });
      state.recordMeCall();

      state.reset();

      expect(state.listUsers().map((user) => user.id)).toEqual(DEFAULT_TEST_USERS.map((user) => user.id));
      expect(state.getConfig()).toEqual({
        latency: null,
        failureRate: 0,
        requireAppSecretProof: true,
      });
      expect(state.listFaults()).toEqual({ token: [], me: [], permissions: [] });
      expect(state.getStats()).toEqual({
        tokenCalls: 0,
        meCalls: 0,
        permissionsCalls: 0,
        exchangesByCode: {},
        successfulExchanges: 0,
        heldCalls: 0,
      });
      expect(errorOf(exchange(code)).body.error.message).toBe('Invalid verification code format.');
    });

    it('validates upserted users', () => {
      expect(() => state.upsertUser({ id: 'abc', first_name: 'A', last_name: 'B' })).toThrow(/id/);
      expect(() =>
        state.upsertUser({
          id: '5',
          first_name: 'A',
          last_name: 'B',
          email: 'not-an-email',
        }),
      ).toThrow(/email/);
      expect(state.upsertUser({ id: '5', first_name: 'A', last_name: 'B' })).toEqual({
        id: '5',
        name: 'A B',
        first_name: 'A',
        last_name: 'B',
      });
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

describe(sampleLatencyMs.name, () => {
  it('is off without a profile and constant for fixedMs', () => {
    expect(sampleLatencyMs(null)).toBe(0);
    expect(sampleLatencyMs({ fixedMs: 75 })).toBe(75);
  });

  it('places the median and p99 of the log-normal where configured', () => {
    const profile = { medianMs: 120, p99Ms: 900 };
    expect(sampleLatencyMs(profile, () => 0)).toBeCloseTo(120, 6);
    expect(sampleLatencyMs(profile, () => Z_99)).toBeCloseTo(900, 6);
  });

  it('produces a realistic spread with the default random source', () => {
    const samples = Array.from({ length: 20_000 }, () => sampleLatencyMs({ medianMs: 100, p99Ms: 1000 })).sort(
      (a, b) => a - b,
    );
    expect(samples[10_000]).toBeGreaterThan(85);
    expect(samples[10_000]).toBeLessThan(115);
    expect(samples[19_800]).toBeGreaterThan(700);
    expect(samples[19_800]).toBeLessThan(1400);
  });
});

import { createHash } from 'node:crypto';
import {
  GoogleAuthorization,
  consumePending,
  type PendingGoogleAuthorization,
} from './google-authorization';
import { GoogleDiscovery } from './google-discovery';
import { CLIENT_ID, type FixtureIssuer, fixtureConfig, fixtureIssuer, rejection } from './google-issuer.fixture';

describe(GoogleAuthorization.name, () => {
  let google: FixtureIssuer;
  let discovery: GoogleDiscovery;
  let authorization: GoogleAuthorization;

  beforeAll(async () => {
    google = await fixtureIssuer();
    const config = fixtureConfig(google.issuer);
    discovery = new GoogleDiscovery(config);
    authorization = new GoogleAuthorization(config, discovery);
  });
  afterAll(async () => {
    discovery.onModuleDestroy();
    await google.close();
  });

  it("builds the code flow's request with PKCE S256, state and nonce, to the discovered endpoint", async () => {
    const { url, pending } = await authorization.start({}, 1234);
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${google.issuer}/authorize`);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: 'http://localhost:3000/auth/google/callback',
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(pending.createdAt).toBe(1234);
    // 256 random bits each, base64url; the verifier within PKCE's 43-128 unreserved characters.
    for (const value of [pending.state, pending.nonce, pending.codeVerifier]) {
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    }
  });

  it('makes a fresh state, nonce and verifier every time', async () => {
    const requests = await Promise.all(Array.from({ length: 5 }, () => authorization.start()));
    const values = requests.flatMap(({ pending }) => [pending.state, pending.nonce, pending.codeVerifier]);
    expect(new Set(values).size).toBe(values.length);
  });

  it('asks Google to let the person choose an account only when told to', async () => {
    expect(new URL((await authorization.start()).url).searchParams.has('prompt')).toBe(false);
    expect(new URL((await authorization.start({ selectAccount: true })).url).searchParams.get('prompt')).toBe(
      'select_account',
    );
  });

  it("fails with the discovery's error when the issuer cannot be read", async () => {
    const config = fixtureConfig(`${google.origin}/elsewhere`);
    const elsewhere = new GoogleDiscovery(config);
    const error = await rejection(new GoogleAuthorization(config, elsewhere).start());
    elsewhere.onModuleDestroy();
    expect(error).toMatchObject({ reason: 'provider_error', retryable: false });
  });

  it('refuses to exist without a client id', () => {
    expect(() => new GoogleAuthorization(fixtureConfig(google.issuer, { GOOGLE_CLIENT_ID: undefined }), discovery)).toThrow(
      /GOOGLE_CLIENT_ID/,
    );
  });
});

describe(consumePending.name, () => {
  const TTL = 10 * 60 * 1000;
  const pending: PendingGoogleAuthorization = {
    state: 'Zm9yLXRlc3RzLW9ubHktYS1zdGF0ZS1vZi0yNTYtYml0cw',
    nonce: 'the-nonce',
    codeVerifier: 'the-verifier',
    createdAt: 1_000_000,
  };

  /** A session as the lead keeps it: the caller forgets the record when it is spent. */
  function callback(session: { google?: PendingGoogleAuthorization }, state: unknown, now: number) {
    const result = consumePending(session.google, state, now, TTL);
    if (result.spent) delete session.google;
    return result;
  }

  it('gives the pending authorization back once for the right state', () => {
    const session = { google: { ...pending } };
    expect(callback(session, pending.state, pending.createdAt + 1000)).toEqual({
      outcome: 'accepted',
      spent: true,
      pending,
    });
    expect(callback(session, pending.state, pending.createdAt + 2000)).toEqual({ outcome: 'mismatch', spent: false });
  });

  it('changes nothing for a wrong, missing or non-text state', () => {
    for (const forged of ['forged', pending.state.slice(0, -1), `${pending.state}x`, '', undefined, [pending.state], 42]) {
      expect(consumePending(pending, forged, pending.createdAt, TTL)).toEqual({ outcome: 'mismatch', spent: false });
    }
    expect(consumePending(pending, pending.state, pending.createdAt, TTL).outcome).toBe('accepted');
  });

  it('refuses when nothing is pending, or the stored record is not one', () => {
    expect(consumePending(undefined, pending.state, 0, TTL).outcome).toBe('mismatch');
    expect(consumePending(null, pending.state, 0, TTL).outcome).toBe('mismatch');
    const broken = { ...pending, createdAt: String(pending.createdAt) } as unknown as PendingGoogleAuthorization;
    expect(consumePending(broken, pending.state, 0, TTL).outcome).toBe('mismatch');
  });

  it('spends an expired state without accepting it', () => {
    const session = { google: { ...pending } };
    expect(callback(session, pending.state, pending.createdAt + TTL)).toMatchObject({ outcome: 'accepted' });
    session.google = { ...pending };
    expect(callback(session, pending.state, pending.createdAt + TTL + 1)).toEqual({ outcome: 'expired', spent: true });
    expect(session.google).toBeUndefined();
  });
});

import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { PendingAuthorizations } from '../../core/api/pending-authorizations';
import { GoogleAuthorization } from './google-authorization';
import { GoogleDiscovery } from '../google-discovery';
import { CLIENT_ID, type FixtureIssuer, fixtureConfig, fixtureIssuer, rejection } from '../google-issuer.fixture';

describe(GoogleAuthorization.name, () => {
  let google: FixtureIssuer;
  let discovery: GoogleDiscovery;
  let authorization: GoogleAuthorization;
  const pending = new PendingAuthorizations(() => 1234);
  const fakeRequest = () => ({ session: {} }) as unknown as Request;

  beforeAll(async () => {
    google = await fixtureIssuer();
    const config = fixtureConfig(google.issuer);
    discovery = new GoogleDiscovery(config);
    authorization = new GoogleAuthorization(config, discovery, pending);
  });
  afterAll(async () => {
    discovery.onModuleDestroy();
    await google.close();
  });

  it("builds the code flow's request with PKCE S256, state and nonce, to the discovered endpoint", async () => {
    const req = fakeRequest();
    const url = await authorization.dialogUrl(req);
    const stored = req.session.authorization!;
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${google.issuer}/authorize`);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: 'http://localhost:3000/auth/google/callback',
      scope: 'openid email profile',
      state: stored.state,
      nonce: stored.nonce,
      code_challenge: createHash('sha256').update(stored.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(stored).toMatchObject({ provider: 'google', createdAt: 1234 });
    // 256 random bits each, base64url; the verifier within PKCE's 43-128 unreserved characters.
    for (const value of [stored.state, stored.nonce!, stored.codeVerifier]) {
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    }
  });

  it('makes a fresh state, nonce and verifier every time', async () => {
    const requests = Array.from({ length: 5 }, fakeRequest);
    await Promise.all(requests.map((req) => authorization.dialogUrl(req)));
    const values = requests.flatMap(({ session }) => [
      session.authorization!.state,
      session.authorization!.nonce!,
      session.authorization!.codeVerifier,
    ]);
    expect(new Set(values).size).toBe(values.length);
  });

  it('asks Google to let the person choose an account only when told to', async () => {
    expect(new URL(await authorization.dialogUrl(fakeRequest())).searchParams.has('prompt')).toBe(false);
    expect(
      new URL(await authorization.dialogUrl(fakeRequest(), { selectAccount: true })).searchParams.get('prompt'),
    ).toBe('select_account');
  });

  it("fails with the discovery's error when the issuer cannot be read", async () => {
    const config = fixtureConfig(`${google.origin}/elsewhere`);
    const elsewhere = new GoogleDiscovery(config);
    const error = await rejection(new GoogleAuthorization(config, elsewhere, pending).dialogUrl(fakeRequest()));
    elsewhere.onModuleDestroy();
    expect(error).toMatchObject({ reason: 'provider_error', retryable: false });
  });

  it('refuses to exist without a client id', () => {
    expect(
      () => new GoogleAuthorization(fixtureConfig(google.issuer, { GOOGLE_CLIENT_ID: undefined }), discovery, pending),
    ).toThrow(/GOOGLE_CLIENT_ID/);
  });
});

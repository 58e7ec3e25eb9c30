import net from 'node:net';
import { GoogleApiError } from '../google-api.error';
import { GoogleDiscovery } from '../google-discovery';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  SUBJECT,
  type FixtureIssuer,
  fixtureConfig,
  fixtureIssuer,
  json,
  rejection,
} from '../google-issuer.fixture';
import { GoogleTokenClient } from './google-token.client';

describe(GoogleTokenClient.name, () => {
  let google: FixtureIssuer;
  const closers: Array<{ onModuleDestroy(): void }> = [];
  const clientFor = (issuer: string, overrides: Record<string, unknown> = {}) => {
    const config = fixtureConfig(issuer, overrides);
    const discovery = new GoogleDiscovery(config);
    const client = new GoogleTokenClient(config, discovery);
    closers.push(discovery, client);
    return client;
  };
  const now = () => Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    google = await fixtureIssuer();
  });
  afterEach(async () => {
    closers.splice(0).forEach((c) => c.onModuleDestroy());
    await google.close();
  });

  describe('redeemCode', () => {
    it('redeems the code with its verifier at the discovered token endpoint, the secret in the body', async () => {
      const tokens = await clientFor(google.issuer).redeemCode('4/0Acode', 'the-verifier');
      expect(tokens).toMatchObject({ accessToken: 'ya29.access-token', expiresInSeconds: 3599 });
      expect(tokens.idToken.split('.')).toHaveLength(3);
      expect(google.tokenRequests).toHaveLength(1);
      expect(Object.fromEntries(google.tokenRequests[0])).toEqual({
        grant_type: 'authorization_code',
        code: '4/0Acode',
        redirect_uri: 'http://localhost:3000/auth/google/callback',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        code_verifier: 'the-verifier',
      });
    });

    it('calls invalid_grant a rejected code, not worth a retry', async () => {
      google.token = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
      const error = await rejection(clientFor(google.issuer).redeemCode('c', 'v'));
      expect(error).toBeInstanceOf(GoogleApiError);
      expect(error).toMatchObject({ reason: 'code_rejected', retryable: false });
    });

    it('calls invalid_client a provider error (our configuration), final', async () => {
      google.token = (_req, res) =>
        json(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      expect(await rejection(clientFor(google.issuer).redeemCode('c', 'v'))).toMatchObject({
        reason: 'provider_error',
        retryable: false,
        details: { status: 401, googleError: 'invalid_client' },
      });
    });

    it('retries a 503', async () => {
      google.token = (_req, res) => json(res, 503, { error: 'temporarily_unavailable' });
      expect(await rejection(clientFor(google.issuer).redeemCode('c', 'v'))).toMatchObject({
        reason: 'provider_unavailable',
        retryable: true,
        codeMayBeSpent: false,
      });
    });

    it('times out a token call Google does not answer: the code may then be spent', async () => {
      google.token = () => undefined; // reads the request, never answers
      const error = await rejection(clientFor(google.issuer).redeemCode('c', 'v', { timeoutMs: 150 }));
      expect(error).toMatchObject({
        reason: 'provider_timeout',
        retryable: true,
        codeFate: 'unknown',
        codeMayBeSpent: true,
        message: 'Google token call timed out after 150 ms',
      });
    });

    it('reports a connection dropped after the request went out as provider_timeout (the code may be spent)', async () => {
      google.token = (req) => req.socket.destroy();
      const error = await rejection(clientFor(google.issuer).redeemCode('c', 'v'));
      expect(error).toMatchObject({ reason: 'provider_timeout', retryable: true, codeMayBeSpent: true });
      expect((error as Error).message).toBe('Google token call could not reach Google (socket hang up, ECONNRESET)');
    });

    it('reports a timeout before the request could go out as unavailable, the code untouched', async () => {
      google.document = { ...google.document, token_endpoint: 'http://token.google.test/token' };
      const client = clientFor(google.issuer);
      // A name that never resolves: the connection never opens, the request stays in the process.
      (client.agents.http as unknown as { createConnection: typeof net.createConnection }).createConnection = ((
        options: net.NetConnectOpts,
      ) =>
        net.createConnection({
          ...options,
          lookup: () => undefined,
        } as net.NetConnectOpts)) as typeof net.createConnection;
      const error = await rejection(client.redeemCode('c', 'v', { timeoutMs: 200 }));
      expect(error).toMatchObject({
        reason: 'provider_unavailable',
        retryable: true,
        codeFate: 'untouched',
        message: 'Google token call timed out after 200 ms',
      });
    });

    it('reports a refused connection as unavailable, the code untouched', async () => {
      const closed = await fixtureIssuer();
      const deadEndpoint = `${closed.issuer}/token`;
      await closed.close();
      google.document = { ...google.document, token_endpoint: deadEndpoint };
      const error = await rejection(clientFor(google.issuer).redeemCode('c', 'v'));
      expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true, codeFate: 'untouched' });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    });

    it('fails untouched, without a token call, when the discovery does', async () => {
      google.discovery = (_req, res) => json(res, 503, {});
      expect(await rejection(clientFor(google.issuer).redeemCode('c', 'v'))).toMatchObject({
        reason: 'provider_unavailable',
        codeMayBeSpent: false,
      });
      expect(google.tokenRequests).toHaveLength(0);
    });

    it('calls an answer that is not JSON, or has no id_token, a bad response', async () => {
      google.token = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>');
      };
      const client = clientFor(google.issuer);
      expect(await rejection(client.redeemCode('c', 'v'))).toMatchObject({
        reason: 'provider_bad_response',
        retryable: false,
        message: "Google's token answer is not JSON",
      });
      google.token = (_req, res) => json(res, 200, { access_token: 'ya29.x', token_type: 'Bearer' });
      expect(await rejection(client.redeemCode('c', 'v'))).toMatchObject({
        reason: 'provider_bad_response',
        message: "Google's token answer has no usable id_token",
      });
    });

    it('stops when its signal aborts, with the signal’s reason', async () => {
      google.token = () => undefined;
      const lost = new AbortController();
      setTimeout(() => lost.abort(new Error("lost the job's lock")), 50);
      await expect(
        clientFor(google.issuer).redeemCode('c', 'v', { timeoutMs: 5000, signal: lost.signal }),
      ).rejects.toThrow("lost the job's lock");
    });
  });

  describe('verifyIdToken', () => {
    const verify = async (idToken: string | Promise<string>, nonce = 'the-nonce') =>
      clientFor(google.issuer).verifyIdToken(await idToken, nonce);
    const refused = async (idToken: Promise<string>, nonce?: string) => {
      const error = await rejection(verify(idToken, nonce));
      expect(error).toBeInstanceOf(GoogleApiError);
      expect(error).toMatchObject({ reason: 'provider_bad_response', retryable: false });
      return (error as Error).message;
    };

    it('returns the identity of a token signed by the issuer, for us, with our nonce', async () => {
      const client = clientFor(google.issuer);
      const { idToken } = await client.redeemCode('c', 'v');
      await expect(client.verifyIdToken(idToken, 'the-nonce')).resolves.toMatchObject({
        subject: SUBJECT,
        email: 'alice@example.com',
        firstName: 'Alice',
        lastName: 'Example',
      });
    });

    it('gives no e-mail that Google has not verified', async () => {
      await expect(verify(google.sign(google.claims({ email_verified: false })))).resolves.toMatchObject({
        email: null,
      });
      await expect(verify(google.sign(google.claims({ email_verified: undefined })))).resolves.toMatchObject({
        email: null,
      });
      await expect(verify(google.sign(google.claims({ email_verified: 'true' })))).resolves.toMatchObject({
        email: 'alice@example.com',
      });
    });

    it('gives null names when the person shares none', async () => {
      await expect(
        verify(google.sign(google.claims({ given_name: undefined, family_name: '' }))),
      ).resolves.toMatchObject({ subject: SUBJECT, firstName: null, lastName: null });
    });

    it('refuses another issuer', async () => {
      expect(await refused(google.sign(google.claims({ iss: 'https://evil.example' })))).toMatch(/"iss"/);
    });

    it('refuses a token for another client', async () => {
      expect(await refused(google.sign(google.claims({ aud: 'someone-else', azp: 'someone-else' })))).toMatch(/"aud"/);
      expect(await refused(google.sign(google.claims({ azp: 'someone-else' })))).toMatch(/azp/);
      expect(await refused(google.sign(google.claims({ aud: [CLIENT_ID, 'other'], azp: undefined })))).toMatch(/azp/);
    });

    it('refuses an expired token, with 30 s of leeway for clocks', async () => {
      expect(await refused(google.sign(google.claims({ iat: now() - 3700, exp: now() - 60 })))).toMatch(/"exp"/);
      await expect(verify(google.sign(google.claims({ iat: now() - 3610, exp: now() - 10 })))).resolves.toMatchObject({
        subject: SUBJECT,
      });
    });

    it('refuses a token without exp, iat or sub', async () => {
      for (const claim of ['exp', 'iat', 'sub']) {
        expect(await refused(google.sign(google.claims({ [claim]: undefined })))).toMatch(new RegExp(claim));
      }
    });

    it("refuses a signature by a key that is not the issuer's", async () => {
      expect(await refused(google.sign(google.claims(), { key: google.otherKey }))).toMatch(
        /signature verification failed/,
      );
      expect(await refused(google.sign(google.claims(), { key: google.otherKey, kid: 'key-2' }))).toMatch(
        /signed with a key the issuer does not publish/,
      );
    });

    it('refuses a token that is not RS256', async () => {
      const hs256 = google.sign(google.claims(), { key: new TextEncoder().encode('x'.repeat(32)), alg: 'HS256' });
      await refused(hs256);
      await refused(Promise.resolve('not.a.jwt'));
    });

    it('refuses a missing or wrong nonce', async () => {
      expect(await refused(google.sign(google.claims({ nonce: undefined })))).toMatch(/carries no nonce/);
      expect(await refused(google.sign(google.claims({ nonce: 'another-nonce' })))).toMatch(/another sign-in's nonce/);
      await expect(verify(google.sign(google.claims()), '')).rejects.toThrow(TypeError);
    });

    it('retries when the JWKS cannot be fetched', async () => {
      google.jwks = (_req, res) => json(res, 503, {});
      const error = await rejection(verify(google.sign(google.claims())));
      expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true });
    });

    it('retries when the JWKS does not answer in time', async () => {
      google.jwks = () => undefined;
      const client = clientFor(google.issuer, { GOOGLE_TIMEOUT_MS: 150 });
      const error = await rejection(client.verifyIdToken(await google.sign(google.claims()), 'the-nonce'));
      expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true });
    });

    it('fetches the JWKS once for many tokens', async () => {
      const client = clientFor(google.issuer);
      for (let i = 0; i < 3; i++) await client.verifyIdToken(await google.sign(google.claims()), 'the-nonce');
      expect(google.hits['/jwks']).toBe(1);
      expect(google.hits['/.well-known/openid-configuration']).toBe(1);
    });
  });

  it('refuses to exist without the client secret', () => {
    const config = fixtureConfig(google.issuer, { GOOGLE_CLIENT_SECRET: undefined });
    expect(() => new GoogleTokenClient(config, new GoogleDiscovery(config))).toThrow(/GOOGLE_CLIENT_SECRET/);
  });
});

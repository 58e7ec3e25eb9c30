import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { PendingAuthorizations } from '../core/api/pending-authorizations';
import { GoogleApiError } from './google-api.error';
import { GoogleAuthorization } from './api/google-authorization';
import { DISCOVERY_REFRESH_MS, DISCOVERY_RETRY_MS, GoogleDiscovery, parseDiscovery } from './google-discovery';
import { type FixtureIssuer, fixtureConfig, fixtureIssuer, json, rejection } from './google-issuer.fixture';
import { GoogleTokenClient } from './worker/google-token.client';

describe(GoogleDiscovery.name, () => {
  let google: FixtureIssuer;
  let now: number;
  const discoveries: GoogleDiscovery[] = [];
  const discoveryOf = (issuer: string, timeoutMs = 1000) => {
    const discovery = new GoogleDiscovery(fixtureConfig(issuer, { GOOGLE_TIMEOUT_MS: timeoutMs }), { now: () => now });
    discoveries.push(discovery);
    return discovery;
  };
  const path = '/.well-known/openid-configuration';

  beforeEach(async () => {
    now = 1_000_000;
    google = await fixtureIssuer();
  });
  afterEach(async () => {
    discoveries.splice(0).forEach((d) => d.onModuleDestroy());
    await google.close();
  });

  it("reads the issuer's endpoints from its discovery document", async () => {
    const provider = await discoveryOf(google.issuer).provider();
    expect(provider.metadata).toEqual({
      issuer: google.issuer,
      authorizationEndpoint: `${google.issuer}/authorize`,
      tokenEndpoint: `${google.issuer}/token`,
      jwksUri: `${google.issuer}/jwks`,
      userinfoEndpoint: `${google.issuer}/userinfo`,
    });
    expect(typeof provider.keys).toBe('function');
  });

  it('fetches once for concurrent callers, then serves the cache for an hour', async () => {
    google.discovery = (_req, res) => setTimeout(() => json(res, 200, google.document), 50);
    const discovery = discoveryOf(google.issuer);
    const providers = await Promise.all(Array.from({ length: 10 }, () => discovery.provider()));
    expect(google.hits[path]).toBe(1);
    expect(new Set(providers).size).toBe(1);
    now += DISCOVERY_REFRESH_MS - 1;
    await discovery.provider();
    expect(google.hits[path]).toBe(1);
    now += 1;
    const refreshed = await discovery.provider();
    expect(google.hits[path]).toBe(2);
    // The same jwks_uri keeps the same JWKS (and jose's cache of its keys).
    expect(refreshed.keys).toBe(providers[0].keys);
  });

  it('refuses a document whose issuer is not exactly the configured one', async () => {
    google.document = { ...google.document, issuer: `${google.issuer}/` };
    const error = await rejection(discoveryOf(google.issuer).provider());
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(error).toMatchObject({ reason: 'provider_bad_response', retryable: false });
    expect((error as Error).message).toMatch(/names the issuer .*, not /);
  });

  it('does not cache a failed fetch: the next caller asks again', async () => {
    let answers = 0;
    google.discovery = (_req, res) =>
      answers++ === 0 ? json(res, 503, { error: 'backendError' }) : json(res, 200, google.document);
    const discovery = discoveryOf(google.issuer);
    expect(await rejection(discovery.provider())).toMatchObject({
      reason: 'provider_unavailable',
      retryable: true,
      codeFate: 'untouched',
      details: { status: 503 },
    });
    await expect(discovery.provider()).resolves.toMatchObject({ metadata: { issuer: google.issuer } });
    expect(google.hits[path]).toBe(2);
  });

  it('keeps the document in hand when a refresh fails, and waits before asking again', async () => {
    const discovery = discoveryOf(google.issuer);
    const first = await discovery.provider();
    google.discovery = (_req, res) => json(res, 500, {});
    now += DISCOVERY_REFRESH_MS;
    await expect(discovery.provider()).resolves.toBe(first);
    expect(google.hits[path]).toBe(2);
    now += DISCOVERY_RETRY_MS - 1;
    await expect(discovery.provider()).resolves.toBe(first);
    expect(google.hits[path]).toBe(2);
    now += 1;
    await discovery.provider();
    expect(google.hits[path]).toBe(3);
  });

  it('times out an issuer that does not answer', async () => {
    google.discovery = () => undefined;
    const started = Date.now();
    expect(await rejection(discoveryOf(google.issuer, 150).provider())).toMatchObject({
      reason: 'provider_unavailable',
      retryable: true,
      codeFate: 'untouched',
      message: 'Google discovery call timed out after 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('calls a 404 a provider error (GOOGLE_ISSUER is wrong), not worth a retry', async () => {
    const error = await rejection(discoveryOf(`${google.origin}/nowhere`).provider());
    expect(error).toMatchObject({ reason: 'provider_error', retryable: false, details: { status: 404 } });
  });

  it("stops a caller's wait when its signal aborts, without failing the shared fetch", async () => {
    let answer: (() => void) | undefined;
    google.discovery = (_req, res) => (answer = () => json(res, 200, google.document));
    const discovery = discoveryOf(google.issuer);
    const impatient = new AbortController();
    const aborted = discovery.provider({ signal: impatient.signal });
    const patient = discovery.provider();
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 5));
    impatient.abort(new Error('lost the lease'));
    await expect(aborted).rejects.toThrow('lost the lease');
    answer();
    await expect(patient).resolves.toMatchObject({ metadata: { issuer: google.issuer } });
    expect(google.hits[path]).toBe(1);
  });

  it('can be provided by Nest as plain class providers', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        GoogleDiscovery,
        GoogleAuthorization,
        GoogleTokenClient,
        { provide: PendingAuthorizations, useValue: new PendingAuthorizations() },
        { provide: ConfigService, useValue: fixtureConfig(google.issuer) },
      ],
    }).compile();
    await expect(moduleRef.get(GoogleDiscovery).metadata()).resolves.toMatchObject({ issuer: google.issuer });
    expect(moduleRef.get(GoogleTokenClient)).toBeInstanceOf(GoogleTokenClient);
    await moduleRef.close();
  });
});

describe(parseDiscovery.name, () => {
  const issuer = 'https://accounts.google.com';
  const document = {
    issuer,
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_endpoint: 'https://oauth2.googleapis.com/token',
    jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
    userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
    code_challenge_methods_supported: ['plain', 'S256'],
  };

  it("reads Google's own document", () => {
    expect(parseDiscovery(document, issuer)).toEqual({
      issuer,
      authorizationEndpoint: document.authorization_endpoint,
      tokenEndpoint: document.token_endpoint,
      jwksUri: document.jwks_uri,
      userinfoEndpoint: document.userinfo_endpoint,
    });
  });

  it.each(['authorization_endpoint', 'token_endpoint', 'jwks_uri'])('requires %s', (field) => {
    const { [field as keyof typeof document]: _dropped, ...rest } = document;
    expect(() => parseDiscovery(rest, issuer)).toThrow(new RegExp(`lacks usable fields \\(${field}\\)`));
  });

  it('requires S256 when the document lists PKCE methods, and accepts a document that lists none', () => {
    expect(() => parseDiscovery({ ...document, code_challenge_methods_supported: ['plain'] }, issuer)).toThrow(/S256/);
    const { code_challenge_methods_supported: _none, ...rest } = document;
    expect(parseDiscovery(rest, issuer).tokenEndpoint).toBe(document.token_endpoint);
  });

  it('refuses plain-http endpoints from an https issuer, and text that is no URL', () => {
    expect(() => parseDiscovery({ ...document, token_endpoint: 'http://oauth2.googleapis.com/token' }, issuer)).toThrow(
      /token_endpoint that is not https/,
    );
    expect(() => parseDiscovery({ ...document, jwks_uri: 'certs' }, issuer)).toThrow(/unusable jwks_uri/);
  });

  it('refuses an issuer that differs in any way, case or trailing slash included', () => {
    for (const other of ['https://accounts.google.com/', 'https://Accounts.google.com', 'accounts.google.com']) {
      expect(() => parseDiscovery({ ...document, issuer: other }, issuer)).toThrow(GoogleApiError);
    }
  });

  it('refuses what is not a document', () => {
    expect(() => parseDiscovery('<html>', issuer)).toThrow(/discovery answer lacks usable fields/);
  });
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ConfigService } from '@nestjs/config';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload, type KeyLike } from 'jose';
import type { BaseEnv } from '@app/config';

/** For the Google specs only: an OpenID Connect issuer on localhost, with real RS256 keys. */

export type FixtureHandler = (req: http.IncomingMessage & { body: string }, res: http.ServerResponse) => void;

export const CLIENT_ID = 'client-123.apps.googleusercontent.test';
export const CLIENT_SECRET = 'client-secret-0123';
export const PUBLIC_URL = 'http://localhost:3000';
export const SUBJECT = '108000000000000000001';

export const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export interface FixtureIssuer {
  issuer: string;
  origin: string;
  /** Requests per path. */
  hits: Record<string, number>;
  /** Form bodies the token endpoint received. */
  tokenRequests: URLSearchParams[];
  /** Override per test; the defaults answer like Google. */
  discovery: FixtureHandler;
  token: FixtureHandler;
  jwks: FixtureHandler;
  /** The discovery document the default handler serves. */
  document: Record<string, unknown>;
  /** What the default token endpoint puts in the next id_token. */
  nextIdToken: () => Promise<string>;
  sign(claims: JWTPayload, options?: { key?: KeyLike | Uint8Array; kid?: string; alg?: string }): Promise<string>;
  claims(extra?: JWTPayload): JWTPayload;
  otherKey: KeyLike;
  close(): Promise<void>;
}

/** RSA keys take a while to make: one pair (and one stranger's) per test file. */
let keyPairs:
  Promise<[Awaited<ReturnType<typeof generateKeyPair>>, Awaited<ReturnType<typeof generateKeyPair>>]> | undefined;

export async function fixtureIssuer(): Promise<FixtureIssuer> {
  const [keys, other] = await (keyPairs ??= Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]));
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0].replace(/^\/google/, '');
      fixture.hits[path] = (fixture.hits[path] ?? 0) + 1;
      const r = Object.assign(req, { body });
      if (path === '/.well-known/openid-configuration') fixture.discovery(r, res);
      else if (path === '/token') fixture.token(r, res);
      else if (path === '/jwks') fixture.jwks(r, res);
      else json(res, 404, { error: 'not_found' });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/google`;

  const fixture: FixtureIssuer = {
    issuer,
    origin,
    hits: {},
    tokenRequests: [],
    document: {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['plain', 'S256'],
    },
    discovery: (_req, res) => json(res, 200, fixture.document),
    token: (req, res) => {
      fixture.tokenRequests.push(new URLSearchParams(req.body));
      void fixture.nextIdToken().then((idToken) =>
        json(res, 200, {
          access_token: 'ya29.access-token',
          expires_in: 3599,
          scope:
            'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
          token_type: 'Bearer',
          id_token: idToken,
        }),
      );
    },
    jwks: (_req, res) => json(res, 200, { keys: [publicJwk] }),
    nextIdToken: () => fixture.sign(fixture.claims()),
    claims: (extra = {}) => ({
      iss: issuer,
      aud: CLIENT_ID,
      azp: CLIENT_ID,
      sub: SUBJECT,
      email: 'alice@example.com',
      email_verified: true,
      given_name: 'Alice',
      family_name: 'Example',
      nonce: 'the-nonce',
      ...extra,
    }),
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iat: now, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'key-1', typ: 'JWT' })
        .sign(options.key ?? keys.privateKey);
    },
    otherKey: other.privateKey,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fixture;
}

/** A ConfigService that answers from a plain object. */
export function fixtureConfig(issuer: string, overrides: Record<string, unknown> = {}): ConfigService<BaseEnv, true> {
  const settings: Record<string, unknown> = {
    GOOGLE_ISSUER: issuer,
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_TIMEOUT_MS: 1000,
    PUBLIC_URL,
    ...overrides,
  };
  return { get: (key: string) => settings[key] } as unknown as ConfigService<BaseEnv, true>;
}

/** The rejection of a promise that must fail. */
export const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (error: unknown) => error,
  );

import { Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { BaseEnv } from '@app/config';
import { GoogleApiError } from './google-api.error';
import { KeepAliveAgents } from '../core/worker/provider-http';
import { callGoogle, malformedAnswer } from './google-http';

/** A fetched discovery document is used this long before it is asked for again. */
export const DISCOVERY_REFRESH_MS = 60 * 60 * 1000;
/** After a failed refresh the document in hand is kept, and the next refresh waits this long. */
export const DISCOVERY_RETRY_MS = 60 * 1000;
/** Past this age a document is not used any more, however the refresh went. */
export const DISCOVERY_MAX_STALE_MS = 24 * 60 * 60 * 1000;
/** The JWKS is asked again at most this often when a token names a key it does not hold. */
export const JWKS_COOLDOWN_MS = 30 * 1000;
/** How long jose keeps the fetched JWKS before it asks again. */
export const JWKS_MAX_AGE_MS = 10 * 60 * 1000;

/** What the rest of the Google side needs from the issuer's discovery document. */
export interface GoogleProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  userinfoEndpoint: string | null;
}

/** The issuer's metadata and the one JWKS its id_tokens are verified against. */
export interface GoogleProvider {
  metadata: GoogleProviderMetadata;
  keys: JWTVerifyGetKey;
}

export interface GoogleDiscoveryOptions {
  /** The clock of the cache (tests move it). */
  now?: () => number;
}

interface CachedProvider {
  provider: GoogleProvider;
  fetchedAt: number;
  /** When the next refresh is due (later after a failed one). */
  refreshAt: number;
}

/**
 * The issuer's `/.well-known/openid-configuration`, fetched with a timeout,
 * checked, and kept for an hour. Concurrent callers share one fetch; a failed
 * fetch is never cached (the next caller tries again), and a failed refresh
 * keeps the document in hand for a while rather than failing sign-ins.
 */
@Injectable()
export class GoogleDiscovery implements OnModuleDestroy {
  private readonly issuer: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** Keep-alive connections to the issuer. */
  readonly agents = new KeepAliveAgents();
  private cached: CachedProvider | undefined;
  private inFlight: Promise<GoogleProvider> | undefined;

  constructor(config: ConfigService<BaseEnv, true>, @Optional() options: GoogleDiscoveryOptions = {}) {
    this.issuer = config.get('GOOGLE_ISSUER', { infer: true });
    this.timeoutMs = config.get('GOOGLE_TIMEOUT_MS', { infer: true });
    this.now = options.now ?? Date.now;
  }

  /**
   * The provider's metadata and keys. Throws a GoogleApiError: retryable
   * (provider_unavailable) when the issuer did not answer, final
   * (provider_error, provider_bad_response) when it answered something unusable.
   * The signal only stops this caller's wait, never the shared fetch.
   */
  async provider(options: { signal?: AbortSignal } = {}): Promise<GoogleProvider> {
    options.signal?.throwIfAborted();
    const cached = this.cached;
    const now = this.now();
    if (cached && now < cached.refreshAt) return cached.provider;
    const refresh = (this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined)));
    const usable = cached && now - cached.fetchedAt < DISCOVERY_MAX_STALE_MS ? cached : undefined;
    const answer = usable
      ? refresh.catch(() => {
          // The issuer is briefly unreachable: keep signing people in with what we know.
          usable.refreshAt = Math.max(usable.refreshAt, this.now() + DISCOVERY_RETRY_MS);
          return usable.provider;
        })
      : refresh;
    return options.signal ? untilAborted(answer, options.signal) : answer;
  }

  /** Shorthand for `provider()`'s metadata. */
  async metadata(options: { signal?: AbortSignal } = {}): Promise<GoogleProviderMetadata> {
    return (await this.provider(options)).metadata;
  }

  onModuleDestroy(): void {
    this.agents.destroy();
  }

  private async refresh(): Promise<GoogleProvider> {
    const url = new URL(`${this.issuer}/.well-known/openid-configuration`);
    const json = await callGoogle(this.agents, 'discovery', url, { method: 'GET', headers: {} }, this.timeoutMs);
    const metadata = parseDiscovery(json, this.issuer);
    const previous = this.cached?.provider;
    // One JWKS per jwks_uri: a refresh that names the same keys keeps jose's cache of them.
    const keys =
      previous && previous.metadata.jwksUri === metadata.jwksUri
        ? previous.keys
        : createRemoteJWKSet(new URL(metadata.jwksUri), {
            timeoutDuration: this.timeoutMs,
            cooldownDuration: JWKS_COOLDOWN_MS,
            cacheMaxAge: JWKS_MAX_AGE_MS,
          });
    const provider = { metadata, keys };
    const fetchedAt = this.now();
    this.cached = { provider, fetchedAt, refreshAt: fetchedAt + DISCOVERY_REFRESH_MS };
    return provider;
  }
}

const endpoint = z.string().min(1).max(2048);

const discoveryDocument = z.object({
  issuer: z.string(),
  authorization_endpoint: endpoint,
  token_endpoint: endpoint,
  jwks_uri: endpoint,
  userinfo_endpoint: endpoint.optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});

/**
 * Checks the document as OpenID Connect Discovery asks: its issuer is exactly
 * the configured one (a document for another issuer would let that issuer's
 * tokens in), and every endpoint is an absolute https URL (http only when
 * the issuer itself is http, as the local emulator is).
 */
export function parseDiscovery(json: unknown, expectedIssuer: string): GoogleProviderMetadata {
  const parsed = discoveryDocument.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw malformedAnswer('discovery', `lacks usable fields (${fields})`);
  }
  const doc = parsed.data;
  if (doc.issuer !== expectedIssuer) {
    throw new GoogleApiError(
      'provider_bad_response',
      false,
      `Google's discovery answer names the issuer ${JSON.stringify(doc.issuer.slice(0, 200))}, not ${JSON.stringify(expectedIssuer)}`,
    );
  }
  if (doc.code_challenge_methods_supported && !doc.code_challenge_methods_supported.includes('S256')) {
    throw malformedAnswer('discovery', 'does not offer PKCE with S256');
  }
  const allowHttp = new URL(expectedIssuer).protocol === 'http:';
  const checked = (name: string, value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw malformedAnswer('discovery', `has an unusable ${name}`);
    }
    if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
      throw malformedAnswer('discovery', `has a ${name} that is not https`);
    }
    return url.href;
  };
  return {
    issuer: doc.issuer,
    authorizationEndpoint: checked('authorization_endpoint', doc.authorization_endpoint),
    tokenEndpoint: checked('token_endpoint', doc.token_endpoint),
    jwksUri: checked('jwks_uri', doc.jwks_uri),
    userinfoEndpoint: doc.userinfo_endpoint === undefined ? null : checked('userinfo_endpoint', doc.userinfo_endpoint),
  };
}

/** The promise, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTHORIZATION_TTL_MS } from '../sign-in.constants';
import type { PendingAuthorization } from '../session/session.types';

/** What a provider's start hands over: its PKCE verifier, and its nonce if it speaks OpenID Connect. */
export interface AuthorizationSecrets {
  codeVerifier: string;
  nonce?: string;
}

/**
 * The one authorization request in flight of a browser, kept in its session
 * for every provider: a one-time state of 256 random bits bound to this
 * session, with the PKCE verifier (and nonce) of the same attempt and, when a
 * signed-in person links a provider, whom to link it to. A browser has one
 * sign-in under way at a time: a new start replaces the previous one.
 */
/**
 * A request's link intent, set by SignInStart and read by begin(). A property
 * on the request rather than a map keyed by it: passport hands its state store
 * an object derived from the request (passport-facebook's start sees a copy
 * with an empty query), which inherits the property but is not the same key.
 */
const LINK_INTENT = Symbol('linkIntent');
type WithLinkIntent = Request & { [LINK_INTENT]?: number };

@Injectable()
export class PendingAuthorizations {
  constructor(private readonly now: () => number = Date.now) {}

  /** Marks this request's authorization as linking the provider to `userProfileId`. */
  intendLink(req: Request, userProfileId: number): void {
    (req as WithLinkIntent)[LINK_INTENT] = userProfileId;
  }

  /** Records a new authorization request of `provider`; answers the state to send. */
  begin(req: Request, provider: string, secrets: AuthorizationSecrets): string {
    if (!req.session) throw new Error('Sessions are required for the OAuth state');
    const state = randomBytes(32).toString('base64url');
    const linkTo = (req as WithLinkIntent)[LINK_INTENT];
    req.session.authorization = {
      provider,
      state,
      ...secrets,
      ...(linkTo !== undefined && { linkTo }),
      createdAt: this.now(),
    };
    // The session now holds something: its absolute lifetime starts here.
    req.session.createdAt ??= this.now();
    return state;
  }

  /**
   * Returns the pending authorization if `providedState` is this session's
   * pending state for `provider`, and forgets it (one-time). A missing or
   * wrong state changes nothing, so a forged callback cannot cancel a real
   * sign-in in flight.
   */
  consume(req: Request, provider: string, providedState: unknown): PendingAuthorization | null {
    const pending = req.session?.authorization;
    if (!pending || pending.provider !== provider || typeof providedState !== 'string') return null;
    if (!sameText(pending.state, providedState)) return null;
    delete req.session.authorization;
    if (this.now() - pending.createdAt > AUTHORIZATION_TTL_MS) return null;
    return pending;
  }
}

function sameText(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

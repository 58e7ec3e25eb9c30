import type { Request } from 'express';
import { AUTHORIZATION_TTL_MS } from '../sign-in.constants';
import { PendingAuthorizations } from './pending-authorizations';

function fakeRequest(): Request {
  return { session: {} } as unknown as Request;
}

describe(PendingAuthorizations.name, () => {
  let now: number;
  const pending = new PendingAuthorizations(() => now);
  const begin = (req: Request, provider = 'facebook') =>
    pending.begin(req, provider, { codeVerifier: 'the-verifier', nonce: 'the-nonce' });
  beforeEach(() => (now = 1_000_000));

  it('makes a state of at least 128 random bits, different each time', () => {
    const req = fakeRequest();
    const first = begin(req);
    const second = begin(req);
    expect(Buffer.from(first, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(first).not.toBe(second);
  });

  it('gives the verifier and nonce back once for the right state and provider', () => {
    const req = fakeRequest();
    const state = begin(req, 'google');
    expect(pending.consume(req, 'facebook', state)).toBeNull();
    expect(pending.consume(req, 'google', state)).toMatchObject({ codeVerifier: 'the-verifier', nonce: 'the-nonce' });
    expect(pending.consume(req, 'google', state)).toBeNull();
  });

  it('leaves the pending state alone when the state is wrong or missing', () => {
    const req = fakeRequest();
    const state = begin(req);
    expect(pending.consume(req, 'facebook', 'forged')).toBeNull();
    expect(pending.consume(req, 'facebook', undefined)).toBeNull();
    expect(pending.consume(req, 'facebook', [state])).toBeNull();
    expect(pending.consume(req, 'facebook', state)?.codeVerifier).toBe('the-verifier');
  });

  it('refuses a state from another session', () => {
    const mine = fakeRequest();
    const state = begin(fakeRequest());
    expect(pending.consume(mine, 'facebook', state)).toBeNull();
  });

  it('refuses an expired state, and forgets it', () => {
    const req = fakeRequest();
    const state = begin(req);
    now += AUTHORIZATION_TTL_MS + 1;
    expect(pending.consume(req, 'facebook', state)).toBeNull();
    expect(req.session.authorization).toBeUndefined();
  });

  it('carries a link intent of the same request only', () => {
    const req = fakeRequest();
    pending.intendLink(req, 42);
    const state = begin(req);
    expect(pending.consume(req, 'facebook', state)?.linkTo).toBe(42);
    const other = fakeRequest();
    expect(pending.consume(other, 'facebook', begin(other))?.linkTo).toBeUndefined();
  });

  it("carries it through an object derived from the request, as passport's start hands the store", () => {
    const req = fakeRequest();
    pending.intendLink(req, 42);
    const derived = Object.create(req, { query: { value: {}, enumerable: true } }) as Request;
    expect(pending.consume(req, 'facebook', begin(derived))?.linkTo).toBe(42);
  });
});

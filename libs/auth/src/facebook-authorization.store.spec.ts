import type { Request } from 'express';
import { AUTHORIZATION_TTL_MS } from './auth.constants';
import { FacebookAuthorizationStore } from './facebook-authorization.store';

function fakeRequest(): Request {
  return { session: {} } as unknown as Request;
}

function storeState(store: FacebookAuthorizationStore, req: Request): string {
  let state = '';
  store.store(req, 'the-verifier', undefined, {}, (error, s) => {
    expect(error).toBeNull();
    state = s!;
  });
  return state;
}

describe(FacebookAuthorizationStore.name, () => {
  let now: number;
  const store = new FacebookAuthorizationStore(() => now);
  beforeEach(() => (now = 1_000_000));

  it('makes a state of at least 128 random bits, different each time', () => {
    const req = fakeRequest();
    const first = storeState(store, req);
    const second = storeState(store, req);
    expect(Buffer.from(first, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(first).not.toBe(second);
  });

  it('gives the verifier back once for the right state', () => {
    const req = fakeRequest();
    const state = storeState(store, req);
    expect(store.consume(req, state)).toBe('the-verifier');
    expect(store.consume(req, state)).toBeNull();
  });

  it('leaves the pending state alone when the state is wrong or missing', () => {
    const req = fakeRequest();
    const state = storeState(store, req);
    expect(store.consume(req, 'forged')).toBeNull();
    expect(store.consume(req, undefined)).toBeNull();
    expect(store.consume(req, [state])).toBeNull();
    expect(store.consume(req, state)).toBe('the-verifier');
  });

  it('refuses a state from another session', () => {
    const mine = fakeRequest();
    const theirs = fakeRequest();
    const state = storeState(store, theirs);
    expect(store.consume(mine, state)).toBeNull();
  });

  it('refuses an expired state', () => {
    const req = fakeRequest();
    const state = storeState(store, req);
    now += AUTHORIZATION_TTL_MS + 1;
    expect(store.consume(req, state)).toBeNull();
    expect(req.session.facebookAuthorization).toBeUndefined();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, RouterView, type Router } from 'vue-router';
import { getMe, type User } from '@/api/auth';
import { KNOWN_REASONS, REASON_SENTENCES } from '@/api/reasons';
import { createAppRouter } from '@/router';
import { resetSession, useSession } from '@/stores/session';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
}));

const ada: User = {
  id: 'u1',
  firstName: 'Ada',
  lastName: null,
  email: null,
  providers: ['facebook'],
};

const Root = defineComponent({ render: () => h(RouterView) });

describe('LoginErrorView', () => {
  let router: Router;
  let wrapper: VueWrapper | undefined;

  async function openError(path: string): Promise<VueWrapper> {
    router = createAppRouter(createMemoryHistory(), useSession());
    await router.push(path);
    await router.isReady();
    wrapper = mount(Root, { global: { plugins: [router] } });
    // The view is a lazy chunk.
    await vi.waitFor(() => expect(wrapper!.find('h1').exists()).toBe(true));
    await flushPromises();
    return wrapper;
  }

  const reason = () => wrapper!.get('[data-test="reason"]').text();
  const links = () =>
    wrapper!.findAll('a').map((a) => [a.text(), a.attributes('href')]);

  beforeEach(() => {
    resetSession();
    vi.mocked(getMe).mockResolvedValue(null);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('names Facebook when the address names no provider, as before', async () => {
    await openError('/login/error?reason=access_denied');
    expect(wrapper!.get('h1').text()).toBe('Sign-in failed');
    expect(reason()).toBe(
      'You cancelled the sign-in on Facebook, so you are not signed in.',
    );
    expect(links()).toEqual([
      ['Try again', '/auth/facebook'],
      ['Back home', '/'],
    ]);
    expect(wrapper!.get('a').classes()).toContain('btn-facebook');
  });

  it('names Google for provider=google, and tries Google again', async () => {
    await openError('/login/error?reason=provider_timeout&provider=google');
    expect(reason()).toBe('Google took too long to answer; please try again.');
    expect(links()).toEqual([
      ['Try again', '/auth/google'],
      ['Back home', '/'],
    ]);
    expect(wrapper!.get('a').classes()).toContain('btn-google');
  });

  it.each([
    ['facebook', 'Facebook'],
    ['google', 'Google'],
    ['github', null],
  ])('words every reason for provider=%s', async (id, name) => {
    await openError(`/login/error?provider=${id}`);
    for (const code of KNOWN_REASONS) {
      await router.push(`/login/error?reason=${code}&provider=${id}`);
      await flushPromises();
      expect(reason()).toBe(REASON_SENTENCES[code](name));
    }
  });

  it('words a provider it does not know neutrally, and offers only home', async () => {
    await openError('/login/error?reason=provider_unavailable&provider=github');
    expect(reason()).toBe(
      'The service you chose is not answering right now. Please try again in a few minutes.',
    );
    expect(reason()).not.toMatch(/Facebook|Google|github/);
    expect(links()).toEqual([['Back home', '/']]);
  });

  it('sends someone whose e-mail is known back to the way they signed in before', async () => {
    await openError('/login/error?reason=identity_not_linked&provider=google');
    expect(reason()).toBe(
      'An account with this e-mail already exists. Sign in the way you did before, then link Google from your page.',
    );
    // Google again would be refused again.
    expect(links()).toEqual([['Back home', '/']]);
  });

  it('says an identity linked to someone else stays theirs, to a signed-in person', async () => {
    vi.mocked(getMe).mockResolvedValue(ada);
    await openError('/login/error?reason=identity_in_use&provider=google');
    expect(reason()).toBe(
      'This Google account is already linked to another person.',
    );
    expect(links()).toEqual([['Back home', '/']]);
  });

  it('tries linking again for a signed-in person', async () => {
    vi.mocked(getMe).mockResolvedValue(ada);
    await openError('/login/error?reason=access_denied&provider=google');
    expect(reason()).toBe(
      'You cancelled the sign-in on Google, so you are not signed in.',
    );
    expect(links()).toEqual([
      ['Try again', '/auth/google?link=1'],
      ['Back home', '/'],
    ]);
  });

  it('asks again for what was declined when a signed-in re-request failed (not a link of a linked provider)', async () => {
    vi.mocked(getMe).mockResolvedValue({
      ...ada,
      email: null,
      declined: ['email'],
      providers: ['facebook'],
    });
    await openError('/login/error?reason=access_denied&provider=facebook');
    expect(links()).toEqual([
      ['Try again', '/auth/facebook?rerequest=email'],
      ['Back home', '/'],
    ]);
  });

  it('never echoes an address that is not a code', async () => {
    await openError(
      '/login/error?reason=Call%20%2B1%20555%200100&provider=Call%20us',
    );
    expect(reason()).toBe('Something went wrong while signing you in.');
  });
});

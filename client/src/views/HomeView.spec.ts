import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory } from 'vue-router';
import { getMe, logout, type User } from '@/api/auth';
import { FACEBOOK, getProviders, GOOGLE } from '@/api/providers';
import { getSignIns } from '@/api/signIns';
import { createAppRouter } from '@/router';
import { resetProviders } from '@/stores/providers';
import { resetSession, useSession } from '@/stores/session';
import HomeView from './HomeView.vue';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
  logout: vi.fn(),
}));
vi.mock('@/api/providers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/providers')>()),
  getProviders: vi.fn(),
}));
vi.mock('@/api/signIns', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/signIns')>()),
  getSignIns: vi.fn(),
}));

const ada: User = {
  id: 'u1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  providers: ['facebook'],
};

/** Home at `path`, with the app's router (the buttons come back to it). */
async function mountHome(path = '/') {
  const router = createAppRouter(createMemoryHistory(), useSession());
  await router.push(path);
  await router.isReady();
  return mount(HomeView, { global: { plugins: [router] } });
}

describe('HomeView', () => {
  beforeEach(() => {
    resetSession();
    resetProviders();
    vi.mocked(getSignIns).mockResolvedValue([]);
    vi.mocked(getProviders).mockResolvedValue([FACEBOOK, GOOGLE]);
  });

  it('shows a quiet loading state while /api/me loads', async () => {
    vi.mocked(getMe).mockReturnValue(new Promise(() => {}));
    const wrapper = await mountHome();
    expect(wrapper.get('[role="status"]').text()).toBe('Loading…');
    expect(wrapper.find('a').exists()).toBe(false);
  });

  it('offers one plain link per configured provider when signed out', async () => {
    useSession().setUser(null);
    const wrapper = await mountHome();
    await flushPromises();
    expect(getProviders).toHaveBeenCalledOnce();
    expect(wrapper.get('h1').text()).toBe('Sign in');
    expect(wrapper.get('.lead').text()).toBe(
      'Use your Facebook or Google account to sign in.',
    );
    const links = wrapper.findAll('a');
    expect(links.map((link) => link.text())).toEqual([
      'Continue with Facebook',
      'Continue with Google',
    ]);
    expect(links.map((link) => link.attributes('href'))).toEqual([
      '/auth/facebook?returnTo=%2F',
      '/auth/google?returnTo=%2F',
    ]);
    expect(links[1]!.classes()).toContain('btn-google');
  });

  it('comes back to the page the buttons were on', async () => {
    useSession().setUser(null);
    const wrapper = await mountHome('/?from=settings');
    await flushPromises();
    expect(wrapper.get('a').attributes('href')).toBe(
      '/auth/facebook?returnTo=%2F%3Ffrom%3Dsettings',
    );
  });

  it('offers only the providers the server lists, in its order', async () => {
    vi.mocked(getProviders).mockResolvedValue([GOOGLE]);
    useSession().setUser(null);
    const wrapper = await mountHome();
    await flushPromises();
    expect(wrapper.get('.lead').text()).toBe(
      'Use your Google account to sign in.',
    );
    expect(wrapper.findAll('a').map((link) => link.text())).toEqual([
      'Continue with Google',
    ]);
  });

  it('offers Facebook alone when the providers cannot be loaded', async () => {
    vi.mocked(getProviders).mockRejectedValue(new Error('down'));
    useSession().setUser(null);
    const wrapper = await mountHome();
    await flushPromises();
    expect(wrapper.get('.lead').text()).toBe(
      'Use your Facebook account to sign in.',
    );
    const links = wrapper.findAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.text()).toBe('Continue with Facebook');
    expect(links[0]!.attributes('href')).toBe('/auth/facebook?returnTo=%2F');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('says it is loading until the providers are known, with no button yet', async () => {
    vi.mocked(getProviders).mockReturnValue(new Promise(() => {}));
    useSession().setUser(null);
    const wrapper = await mountHome();
    await flushPromises();
    expect(wrapper.get('h1').text()).toBe('Sign in');
    expect(wrapper.get('[role="status"]').text()).toBe('Loading…');
    expect(wrapper.find('a').exists()).toBe(false);
  });

  it('greets a signed-in user and shows the profile', async () => {
    useSession().setUser(ada);
    const wrapper = await mountHome();
    expect(wrapper.get('h1').text()).toBe('Hi, Ada!');
    expect(wrapper.text()).toContain('You are signed in with Facebook.');
    expect(wrapper.text()).toContain('Ada Lovelace');
    expect(wrapper.text()).toContain('ada@example.com');
  });

  it('explains a missing e-mail address, naming the one linked provider', async () => {
    useSession().setUser({ ...ada, email: null });
    const wrapper = await mountHome();
    expect(wrapper.text()).toContain(
      "Facebook didn't share an e-mail address.",
    );

    useSession().setUser({ ...ada, email: null, providers: ['google'] });
    await flushPromises();
    expect(wrapper.text()).toContain("Google didn't share an e-mail address.");
    expect(wrapper.text()).toContain('You are signed in with Google.');

    useSession().setUser({
      ...ada,
      firstName: null,
      lastName: null,
      email: null,
      providers: ['facebook', 'google'],
    });
    await flushPromises();
    expect(wrapper.text()).toContain('No e-mail address was shared with us.');
    expect(wrapper.text()).toContain('No name was shared with us.');
    expect(wrapper.get('.lead').text()).toBe('You are signed in.');
  });

  it('offers to share a declined e-mail, then shows the e-mail once shared', async () => {
    useSession().setUser({ ...ada, email: null, declined: ['email'] });
    const wrapper = await mountHome();
    expect(wrapper.text()).toContain(
      'You chose not to share your e-mail address on Facebook.',
    );
    expect(wrapper.text()).not.toContain("didn't share an e-mail address");
    const share = wrapper
      .findAll('a')
      .find((link) => link.text() === 'Share your e-mail');
    expect(share?.attributes('href')).toBe('/auth/facebook?rerequest=email');

    // The sign-in that re-asked brought the e-mail.
    useSession().setUser({ ...ada, declined: [] });
    await flushPromises();
    expect(wrapper.text()).toContain('ada@example.com');
    expect(wrapper.text()).not.toContain('Share your e-mail');
  });

  it('shows the e-mail the profile keeps when Facebook declined it (from another provider)', async () => {
    useSession().setUser({ ...ada, declined: ['email'] });
    const wrapper = await mountHome();
    expect(wrapper.text()).toContain('ada@example.com');
    expect(wrapper.text()).not.toContain('You chose not to share');
    expect(wrapper.text()).not.toContain('Share your e-mail');
  });

  it('does not offer to share what was never declined', async () => {
    useSession().setUser({ ...ada, email: null, declined: [] });
    const wrapper = await mountHome();
    expect(wrapper.text()).toContain(
      "Facebook didn't share an e-mail address.",
    );
    expect(wrapper.text()).not.toContain('Share your e-mail');
  });

  it('shows the profile picture, or the initials without one', async () => {
    useSession().setUser({ ...ada, pictureUrl: 'https://p.test/ada.jpg' });
    const wrapper = await mountHome();
    const img = wrapper.get('img');
    expect(img.attributes('src')).toBe('https://p.test/ada.jpg');
    expect(img.attributes('alt')).toBe('Profile picture of Ada Lovelace');
    expect(img.attributes('width')).toBe('64');

    await img.trigger('error');
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.get('[data-test="initials"]').text()).toBe('AL');

    useSession().setUser({ ...ada, pictureUrl: null });
    await flushPromises();
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.get('[data-test="initials"]').text()).toBe('AL');
  });

  it('shows the linked providers and a link for each one not linked yet', async () => {
    useSession().setUser(ada);
    const wrapper = await mountHome('/?tab=1');
    await flushPromises();
    const section = wrapper.get('[aria-labelledby="linked-heading"]');
    expect(section.get('[data-provider="facebook"]').text()).toContain(
      'Linked',
    );
    const link = section.get('[data-provider="google"] a');
    expect(link.text()).toBe('Link Google');
    expect(link.attributes('href')).toBe(
      '/auth/google?link=1&returnTo=%2F%3Ftab%3D1',
    );
    expect(wrapper.findAll('a').map((a) => a.text())).toEqual(['Link Google']);
  });

  it('offers no link when every provider is linked', async () => {
    useSession().setUser({ ...ada, providers: ['facebook', 'google'] });
    const wrapper = await mountHome();
    await flushPromises();
    expect(wrapper.findAll('[data-test="linked"]')).toHaveLength(2);
    expect(wrapper.find('a').exists()).toBe(false);
  });

  it('asks /api/me once for a user that came without its providers', async () => {
    let answer!: (user: User) => void;
    vi.mocked(getMe).mockReturnValue(
      new Promise((resolve) => (answer = resolve)),
    );
    useSession().setUser({ ...ada, providers: undefined });
    const wrapper = await mountHome();
    // Not "nothing linked" while it does not know.
    expect(wrapper.find('[aria-labelledby="linked-heading"]').exists()).toBe(
      false,
    );
    expect(wrapper.text()).toContain('You are signed in.');
    answer(ada);
    await flushPromises();
    expect(getMe).toHaveBeenCalledOnce();
    expect(wrapper.find('[data-provider="google"] a').text()).toBe(
      'Link Google',
    );
  });

  it('logs out and shows the signed-out home', async () => {
    vi.mocked(logout).mockResolvedValue();
    useSession().setUser(ada);
    const wrapper = await mountHome();
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(logout).toHaveBeenCalledOnce();
    expect(useSession().isSignedIn.value).toBe(false);
    expect(wrapper.get('h1').text()).toBe('Sign in');
    expect(wrapper.findAll('a')).toHaveLength(2);
  });

  it('stays signed in and says so when logout fails', async () => {
    vi.mocked(logout).mockRejectedValue(new Error('down'));
    useSession().setUser(ada);
    const wrapper = await mountHome();
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain(
      "couldn't log you out",
    );
    expect(wrapper.get('h1').text()).toBe('Hi, Ada!');
  });

  it('shows the recent sign-ins when signed in, and not when signed out', async () => {
    vi.mocked(getSignIns).mockResolvedValue([
      {
        id: 'op1',
        at: '2026-03-04T05:06:00.000Z',
        status: 'ok',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
        clientIp: '203.0.113.7',
      },
    ]);
    useSession().setUser(ada);
    const wrapper = await mountHome();
    await flushPromises();
    expect(wrapper.text()).toContain('Your recent sign-ins');
    expect(wrapper.text()).toContain('Firefox on Linux');

    useSession().setUser(null);
    await flushPromises();
    expect(wrapper.text()).not.toContain('Your recent sign-ins');
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { logout, type User } from '@/api/auth';
import { getSignIns } from '@/api/signIns';
import { resetSession, useSession } from '@/stores/session';
import HomeView from './HomeView.vue';

vi.mock('@/api/auth', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/auth')>()),
  getMe: vi.fn(),
  logout: vi.fn(),
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
};

describe('HomeView', () => {
  beforeEach(() => {
    resetSession();
    vi.mocked(getSignIns).mockResolvedValue([]);
  });

  it('shows a quiet loading state while /api/me loads', () => {
    const wrapper = mount(HomeView);
    expect(wrapper.get('[role="status"]').text()).toBe('Loading…');
    expect(wrapper.find('a').exists()).toBe(false);
  });

  it('offers Continue with Facebook as a plain link when signed out', () => {
    useSession().setUser(null);
    const wrapper = mount(HomeView);
    expect(wrapper.get('h1').text()).toBe('Sign in');
    const link = wrapper.get('a');
    expect(link.attributes('href')).toBe('/auth/facebook');
    expect(link.text()).toBe('Continue with Facebook');
  });

  it('greets a signed-in user and shows the profile', () => {
    useSession().setUser(ada);
    const wrapper = mount(HomeView);
    expect(wrapper.get('h1').text()).toBe('Hi, Ada!');
    expect(wrapper.text()).toContain('Ada Lovelace');
    expect(wrapper.text()).toContain('ada@example.com');
  });

  it('explains a missing e-mail address', () => {
    useSession().setUser({ ...ada, email: null });
    const wrapper = mount(HomeView);
    expect(wrapper.text()).toContain(
      "Facebook didn't share an e-mail address.",
    );
  });

  it('logs out and shows the signed-out home', async () => {
    vi.mocked(logout).mockResolvedValue();
    useSession().setUser(ada);
    const wrapper = mount(HomeView);
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(logout).toHaveBeenCalledOnce();
    expect(useSession().isSignedIn.value).toBe(false);
    expect(wrapper.get('h1').text()).toBe('Sign in');
  });

  it('stays signed in and says so when logout fails', async () => {
    vi.mocked(logout).mockRejectedValue(new Error('down'));
    useSession().setUser(ada);
    const wrapper = mount(HomeView);
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
    const wrapper = mount(HomeView);
    await flushPromises();
    expect(wrapper.text()).toContain('Your recent sign-ins');
    expect(wrapper.text()).toContain('Firefox on Linux');

    useSession().setUser(null);
    await flushPromises();
    expect(wrapper.text()).not.toContain('Your recent sign-ins');
  });
});

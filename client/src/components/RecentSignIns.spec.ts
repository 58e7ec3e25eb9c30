import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getSignIns, type SignIn } from '@/api/signIns';
import { REASON_SENTENCES } from '@/api/reasons';
import RecentSignIns from './RecentSignIns.vue';

vi.mock('@/api/signIns', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/api/signIns')>()),
  getSignIns: vi.fn(),
}));

const FIREFOX =
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const signIns: SignIn[] = [
  {
    id: 'ok1',
    at: '2026-03-04T05:06:00.000Z',
    status: 'ok',
    userAgent: FIREFOX,
    clientIp: '203.0.113.7',
  },
  {
    id: 'err1',
    at: '2026-03-04T05:05:00.000Z',
    status: 'error',
    reason: 'provider_unavailable',
    reasonMessage: 'Facebook is not answering right now.',
    userAgent: IPHONE,
    clientIp: '203.0.113.7',
  },
  {
    id: 'err2',
    at: '2026-03-04T05:04:00.000Z',
    status: 'error',
    provider: 'google',
    reason: 'identity_not_linked',
    reasonMessage: 'An account with this e-mail already exists.',
    userAgent: FIREFOX,
    clientIp: '203.0.113.7',
  },
];

describe('RecentSignIns', () => {
  it('lists when, from what browser, and the outcome, failures in words', async () => {
    vi.mocked(getSignIns).mockResolvedValue(signIns);
    const wrapper = mount(RecentSignIns);
    expect(wrapper.text()).toContain('Loading…');
    await flushPromises();

    expect(wrapper.get('h2').text()).toBe('Your recent sign-ins');
    const items = wrapper.findAll('li');
    expect(items).toHaveLength(3);
    expect(items[0]!.text()).toContain('Firefox on Linux');
    expect(items[0]!.get('[data-test="outcome"]').text()).toBe('Signed in');
    expect(items[0]!.get('time').attributes('datetime')).toBe(signIns[0]!.at);
    expect(items[1]!.text()).toContain('Safari on iPhone');
    expect(items[1]!.get('[data-test="outcome"]').text()).toBe(
      `Failed: ${REASON_SENTENCES.provider_unavailable('Facebook')}`,
    );
    expect(items[2]!.get('[data-test="outcome"]').text()).toBe(
      `Failed: ${REASON_SENTENCES.identity_not_linked('Google')}`,
    );
  });

  it('words a failure of a provider it does not know without naming one', async () => {
    vi.mocked(getSignIns).mockResolvedValue([
      { ...signIns[1]!, provider: 'github', reason: 'provider_timeout' },
    ]);
    const wrapper = mount(RecentSignIns);
    await flushPromises();
    expect(wrapper.get('[data-test="outcome"]').text()).toBe(
      'Failed: The service you chose took too long to answer; please try again.',
    );
  });

  it('still explains the codes stored before providers shared them', async () => {
    vi.mocked(getSignIns).mockResolvedValue([
      { ...signIns[1]!, reason: 'facebook_timeout' },
    ]);
    const wrapper = mount(RecentSignIns);
    await flushPromises();
    expect(wrapper.get('[data-test="outcome"]').text()).toBe(
      'Failed: Facebook took too long to answer; please try again.',
    );
  });

  it('says when there is nothing yet', async () => {
    vi.mocked(getSignIns).mockResolvedValue([]);
    const wrapper = mount(RecentSignIns);
    await flushPromises();
    expect(wrapper.text()).toContain('No sign-ins to show yet.');
  });

  it('says so quietly when the list cannot be loaded', async () => {
    vi.mocked(getSignIns).mockRejectedValue(new Error('down'));
    const wrapper = mount(RecentSignIns);
    await flushPromises();
    expect(wrapper.get('[data-test="sign-ins-error"]').text()).toContain(
      "couldn't load",
    );
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});

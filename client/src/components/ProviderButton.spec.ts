import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { FACEBOOK, GOOGLE } from '@/api/providers';
import ProviderButton from './ProviderButton.vue';

describe('ProviderButton', () => {
  it('keeps Facebook’s button: a blue link to /auth/facebook', () => {
    const link = mount(ProviderButton, { props: { provider: FACEBOOK } });
    expect(link.element.tagName).toBe('A');
    expect(link.attributes('href')).toBe('/auth/facebook');
    expect(link.classes()).toContain('btn-facebook');
    expect(link.text()).toBe('Continue with Facebook');
  });

  it('gives Google its white button with the "G" drawn inline', () => {
    const link = mount(ProviderButton, {
      props: { provider: GOOGLE, href: '/auth/google?returnTo=%2F' },
    });
    expect(link.attributes('href')).toBe('/auth/google?returnTo=%2F');
    expect(link.classes()).toContain('btn-google');
    expect(link.text()).toBe('Continue with Google');
    const mark = link.get('svg');
    expect(mark.attributes('aria-hidden')).toBe('true');
    expect(mark.findAll('path').map((path) => path.attributes('fill'))).toEqual(
      ['#EA4335', '#4285F4', '#FBBC05', '#34A853'],
    );
    expect(link.find('img').exists()).toBe(false);
  });

  it('takes another label, and gives an unknown provider a plain button', () => {
    const retry = mount(ProviderButton, {
      props: { provider: GOOGLE, label: 'Try again' },
    });
    expect(retry.text()).toBe('Try again');
    expect(retry.attributes('href')).toBe('/auth/google');

    const other = mount(ProviderButton, {
      props: { provider: { id: 'github', name: 'GitHub' } },
    });
    expect(other.classes()).toContain('btn-secondary');
    expect(other.find('svg').exists()).toBe(false);
    expect(other.text()).toBe('Continue with GitHub');
    expect(other.attributes('href')).toBe('/auth/github');
  });
});

import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { FACEBOOK, GOOGLE } from '@/api/providers';
import LinkedProviders from './LinkedProviders.vue';

function rows(linked: string[], configured = [FACEBOOK, GOOGLE]) {
  const wrapper = mount(LinkedProviders, {
    props: { linked, configured, returnTo: '/?tab=1' },
  });
  return { wrapper, items: wrapper.findAll('li') };
}

describe('LinkedProviders', () => {
  it('says which providers are linked and offers to link the others', () => {
    const { wrapper, items } = rows(['facebook']);
    expect(wrapper.get('h2').text()).toBe('Linked accounts');
    expect(items).toHaveLength(2);
    expect(items[0]!.attributes('data-provider')).toBe('facebook');
    expect(items[0]!.get('.name').text()).toBe('Facebook');
    expect(items[0]!.get('[data-test="linked"]').text()).toBe('Linked');
    expect(items[0]!.find('a').exists()).toBe(false);

    const link = items[1]!.get('a');
    expect(link.text()).toBe('Link Google');
    expect(link.attributes('href')).toBe(
      '/auth/google?link=1&returnTo=%2F%3Ftab%3D1',
    );
  });

  it('offers Link Facebook to someone who signed in with Google', () => {
    const { wrapper } = rows(['google']);
    const links = wrapper.findAll('a');
    expect(links.map((link) => link.text())).toEqual(['Link Facebook']);
    expect(links[0]!.attributes('href')).toBe(
      '/auth/facebook?link=1&returnTo=%2F%3Ftab%3D1',
    );
  });

  it('offers no link when every configured provider is linked', () => {
    const { wrapper } = rows(['facebook', 'google']);
    expect(wrapper.find('a').exists()).toBe(false);
    expect(wrapper.findAll('[data-test="linked"]')).toHaveLength(2);
  });

  it('offers only configured providers, and still shows a linked one that is not', () => {
    const { wrapper, items } = rows(['google'], [FACEBOOK]);
    expect(wrapper.findAll('a').map((link) => link.text())).toEqual([
      'Link Facebook',
    ]);
    expect(items.map((item) => item.attributes('data-provider'))).toEqual([
      'facebook',
      'google',
    ]);
    expect(items[1]!.get('.name').text()).toBe('Google');
    expect(items[1]!.find('[data-test="linked"]').exists()).toBe(true);
  });
});

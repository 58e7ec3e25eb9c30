import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ProfilePicture from './ProfilePicture.vue';

describe('ProfilePicture', () => {
  it('shows the picture at its size, with alt text', () => {
    const wrapper = mount(ProfilePicture, {
      props: { url: 'https://p.test/ada.jpg', name: 'Ada Lovelace', size: 72 },
    });
    const img = wrapper.get('img');
    expect(img.attributes('src')).toBe('https://p.test/ada.jpg');
    expect(img.attributes('alt')).toBe('Profile picture of Ada Lovelace');
    expect(img.attributes('width')).toBe('72');
    expect(img.attributes('height')).toBe('72');
    expect(wrapper.find('[data-test="initials"]').exists()).toBe(false);
  });

  it('shows the initials when there is no picture', () => {
    const wrapper = mount(ProfilePicture, {
      props: { url: null, name: 'ada lovelace' },
    });
    expect(wrapper.find('img').exists()).toBe(false);
    const initials = wrapper.get('[data-test="initials"]');
    expect(initials.text()).toBe('AL');
    expect(initials.attributes('aria-hidden')).toBe('true');
  });

  it('falls back to the initials when the picture fails to load, and tries a new URL again', async () => {
    const wrapper = mount(ProfilePicture, {
      props: { url: 'https://p.test/gone.jpg', name: 'Zoë' },
    });
    await wrapper.get('img').trigger('error');
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.get('[data-test="initials"]').text()).toBe('Z');
    await wrapper.setProps({ url: 'https://p.test/new.jpg' });
    expect(wrapper.get('img').attributes('src')).toBe('https://p.test/new.jpg');
  });

  it('says ? for a nameless person without a picture', () => {
    const wrapper = mount(ProfilePicture, { props: { url: null, name: '' } });
    expect(wrapper.get('[data-test="initials"]').text()).toBe('?');
  });
});

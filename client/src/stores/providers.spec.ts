import { describe, expect, it, vi } from 'vitest';
import { FACEBOOK, GOOGLE, type Provider } from '@/api/providers';
import { createProviders } from './providers';

describe('createProviders', () => {
  it('shares one request in flight and keeps the answer', async () => {
    const fetchProviders = vi.fn(async () => [FACEBOOK, GOOGLE]);
    const providers = createProviders(fetchProviders);
    expect(providers.state.value).toBe('unknown');
    expect(providers.settled.value).toBe(false);
    const [a, b] = await Promise.all([providers.load(), providers.load()]);
    expect(a).toEqual([FACEBOOK, GOOGLE]);
    expect(b).toEqual([FACEBOOK, GOOGLE]);
    await providers.load();
    expect(fetchProviders).toHaveBeenCalledOnce();
    expect(providers.state.value).toBe('ready');
    expect(providers.providers.value).toEqual([FACEBOOK, GOOGLE]);
  });

  it('offers Facebook alone when the list cannot be loaded, and asks again next time', async () => {
    let answer!: (list: Provider[]) => void;
    const fetchProviders = vi
      .fn<() => Promise<Provider[]>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const providers = createProviders(fetchProviders);

    await expect(providers.load()).resolves.toEqual([FACEBOOK]);
    expect(providers.state.value).toBe('fallback');
    expect(providers.settled.value).toBe(true);

    const again = providers.load();
    // Still offering Facebook while it asks.
    expect(providers.state.value).toBe('fallback');
    expect(providers.providers.value).toEqual([FACEBOOK]);
    answer([FACEBOOK, GOOGLE]);
    await expect(again).resolves.toEqual([FACEBOOK, GOOGLE]);
    expect(providers.state.value).toBe('ready');
    expect(fetchProviders).toHaveBeenCalledTimes(2);
  });
});

import { computed, ref, shallowRef } from 'vue';
import {
  FALLBACK_PROVIDERS,
  getProviders,
  type Provider,
} from '@/api/providers';

/** `fallback`: the list could not be loaded, so Facebook alone is offered. */
export type ProvidersState = 'unknown' | 'loading' | 'ready' | 'fallback';

/**
 * The configured sign-in providers (`GET /api/auth/providers`), asked once
 * per page load. When the list cannot be loaded the SPA offers Facebook
 * alone, as it did before there were others, and asks again on the next
 * `load()`.
 */
export function createProviders(
  fetchProviders: () => Promise<Provider[]> = getProviders,
) {
  const providers = shallowRef<readonly Provider[]>([]);
  const state = ref<ProvidersState>('unknown');
  let inflight: Promise<readonly Provider[]> | null = null;

  /** Fetches the list unless it is known (sharing a request in flight). Never rejects. */
  function load(): Promise<readonly Provider[]> {
    if (state.value === 'ready') return Promise.resolve(providers.value);
    if (inflight) return inflight;
    // A retry after a fallback keeps offering Facebook meanwhile.
    if (state.value === 'unknown') state.value = 'loading';
    const promise: Promise<readonly Provider[]> = fetchProviders()
      .then(
        (list) => {
          providers.value = list;
          state.value = 'ready';
        },
        () => {
          providers.value = FALLBACK_PROVIDERS;
          state.value = 'fallback';
        },
      )
      .then(() => providers.value)
      .finally(() => {
        if (inflight === promise) inflight = null;
      });
    inflight = promise;
    return promise;
  }

  return {
    /** Empty until the first answer. */
    providers: computed(() => providers.value),
    state: computed(() => state.value),
    /** There is a list to show (the server's, or the fallback). */
    settled: computed(
      () => state.value === 'ready' || state.value === 'fallback',
    ),
    load,
  };
}

export type Providers = ReturnType<typeof createProviders>;

let appProviders: Providers | null = null;

/** The app-wide provider list. */
export function useProviders(): Providers {
  return (appProviders ??= createProviders());
}

/** Tests: forget the app-wide provider list. */
export function resetProviders(): void {
  appProviders = null;
}

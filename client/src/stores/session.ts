import { computed, ref, shallowRef } from 'vue';
import { getMe, type User } from '@/api/auth';

export type SessionState = 'unknown' | 'loading' | 'ready' | 'error';

/** How long a known answer of `/api/me` is trusted before a guard re-checks. */
export const SESSION_MAX_AGE_MS = 60_000;

/**
 * The current user, shared by the router guards and the views. `/api/me` is
 * fetched at most once at a time and cached; login (`setUser(user)`) and
 * logout (`setUser(null)`) update the cache directly.
 */
export function createSession(fetchMe: () => Promise<User | null> = getMe) {
  const user = shallowRef<User | null>(null);
  const state = ref<SessionState>('unknown');
  let loadedAt = 0;
  let inflight: Promise<User | null> | null = null;
  let generation = 0;

  const isSignedIn = computed(() => state.value === 'ready' && !!user.value);
  /**
   * The person declined to share their e-mail on the provider's dialog (and
   * none came since): the page offers to ask again.
   */
  const emailDeclined = computed(
    () => !user.value?.email && !!user.value?.declined?.includes('email'),
  );

  function setUser(next: User | null): void {
    generation++;
    inflight = null;
    user.value = next;
    state.value = 'ready';
    loadedAt = Date.now();
  }

  /** Fetches `/api/me` (sharing a request already in flight). Never rejects. */
  function refresh(): Promise<User | null> {
    if (inflight) return inflight;
    const mine = ++generation;
    if (state.value !== 'ready') state.value = 'loading';
    const promise: Promise<User | null> = fetchMe()
      .then(
        (me) => {
          // A login or logout meanwhile (setUser) wins over this older answer.
          if (mine === generation) {
            user.value = me;
            state.value = 'ready';
            loadedAt = Date.now();
          }
        },
        () => {
          if (mine === generation && state.value !== 'ready') {
            state.value = 'error';
          }
        },
      )
      .then(() => user.value)
      .finally(() => {
        if (inflight === promise) inflight = null;
      });
    inflight = promise;
    return promise;
  }

  /** The cached user when the answer is fresh enough, else a refresh. */
  function ensureLoaded(maxAgeMs = SESSION_MAX_AGE_MS): Promise<User | null> {
    if (state.value === 'ready' && Date.now() - loadedAt < maxAgeMs) {
      return Promise.resolve(user.value);
    }
    return refresh();
  }

  return {
    user: computed(() => user.value),
    state: computed(() => state.value),
    isSignedIn,
    emailDeclined,
    setUser,
    refresh,
    ensureLoaded,
  };
}

export type Session = ReturnType<typeof createSession>;

let session: Session | null = null;

/** The app-wide session. */
export function useSession(): Session {
  return (session ??= createSession());
}

/** Tests: forget the app-wide session. */
export function resetSession(): void {
  session = null;
}

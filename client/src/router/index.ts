import {
  createRouter,
  type Router,
  type RouteRecordRaw,
  type RouterHistory,
} from 'vue-router';
import { useSession, type Session } from '@/stores/session';

export const APP_NAME = 'Async Facebook Login';

/** A fixed title, or one that depends on being signed in (null: not known yet). */
export type RouteTitle = string | ((signedIn: boolean | null) => string);

declare module 'vue-router' {
  interface RouteMeta {
    title?: RouteTitle;
  }
}

export function resolveTitle(
  title: RouteTitle | undefined,
  signedIn: boolean | null,
): string {
  if (typeof title === 'function') return title(signedIn);
  return title ?? APP_NAME;
}

/** What Facebook appends to the URL it redirects back to. */
export const FACEBOOK_HASH = '#_=_';

/** Removes Facebook's `#_=_` from the address bar; run before the router starts. */
export function stripFacebookHash(win: Window = window): void {
  if (win.location.hash !== FACEBOOK_HASH) return;
  win.history.replaceState(
    win.history.state,
    '',
    win.location.pathname + win.location.search,
  );
}

export function isLoginPath(path: string): boolean {
  return /^\/login(\/|$)/.test(path);
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('@/views/HomeView.vue'),
    meta: {
      title: (signedIn) =>
        signedIn === null
          ? APP_NAME
          : `${signedIn ? 'Home' : 'Sign in'} — ${APP_NAME}`,
    },
  },
  {
    path: '/login/pending',
    name: 'login-pending',
    component: () => import('@/views/LoginPendingView.vue'),
    meta: { title: 'Signing you in…' },
  },
  {
    path: '/login/error',
    name: 'login-error',
    component: () => import('@/views/LoginErrorView.vue'),
    meta: { title: 'Sign-in failed' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'Not found' },
  },
];

export function createAppRouter(
  history: RouterHistory,
  session: Session = useSession(),
): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: () => ({ top: 0 }),
  });

  router.beforeEach(async (to) => {
    if (to.hash === FACEBOOK_HASH) {
      return { path: to.path, query: to.query, hash: '', replace: true };
    }
    if (isLoginPath(to.path)) {
      // Signed in or not, the views need to know: a signed-in person links
      // a provider through /login/pending and /login/error too.
      await session.ensureLoaded();
    } else if (to.name === 'home') {
      // Home shows a quiet placeholder while this loads.
      void session.ensureLoaded();
    }
    return true;
  });

  return router;
}

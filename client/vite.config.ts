import { fileURLToPath, URL } from 'node:url';
import type { IncomingHttpHeaders } from 'node:http';

import {
  defineConfig,
  searchForWorkspaceRoot,
  type Plugin,
  type ProxyOptions,
} from 'vite';
import vue from '@vitejs/plugin-vue';

/**
 * What the server and the SPA share (reason codes, the return-path rule):
 * dependency-free TypeScript in libs/auth, imported as `@contract/…`.
 */
const contractDir = fileURLToPath(
  new URL('../libs/auth/src/contract', import.meta.url),
);

/** Where the NestJS API listens in development. */
const apiTarget = process.env.API_URL ?? 'http://localhost:3000';

function wantsEventStream(headers: IncomingHttpHeaders): boolean {
  return String(headers.accept ?? '').includes('text/event-stream');
}

/**
 * Same-origin proxy to the API, so the session cookie and the SSE stream
 * belong to the SPA's origin. The Host header is kept (changeOrigin: false)
 * and X-Forwarded-* headers are added, so the server can build redirects that
 * point back at this origin.
 */
const apiProxy: ProxyOptions = {
  target: apiTarget,
  changeOrigin: false,
  xfwd: true,
  // Server-Sent Events must reach the browser as they are written: never
  // compressed upstream (gzip buffers) and headers sent right away.
  bypass(req) {
    if (wantsEventStream(req.headers)) {
      delete req.headers['accept-encoding'];
    }
    return undefined;
  },
  configure(proxy) {
    proxy.on('proxyRes', (proxyRes, _req, res) => {
      const type = String(proxyRes.headers['content-type'] ?? '');
      if (!type.startsWith('text/event-stream')) return;
      proxyRes.headers['cache-control'] = 'no-cache, no-transform';
      proxyRes.headers['x-accel-buffering'] = 'no';
      delete proxyRes.headers['content-length'];
      res.socket?.setNoDelay(true);
      // The proxy copies status and headers synchronously after this event;
      // flush them on the next tick so EventSource opens immediately.
      process.nextTick(() => {
        if (!res.headersSent && !res.writableEnded) res.flushHeaders();
      });
    });
  },
};

const proxy: Record<string, ProxyOptions> = {
  '^/api(/|$)': apiProxy,
  '^/auth(/|$)': apiProxy,
};

/**
 * Fails the build if index.html would break a strict CSP
 * (`script-src 'self'; style-src 'self'`) or load anything from elsewhere.
 */
function cspSafeHtml(): Plugin {
  const rules: [RegExp, string][] = [
    [/<script\b(?![^>]*\bsrc=)[^>]*>/i, 'an inline <script>'],
    [/<style\b/i, 'an inline <style>'],
    [/\sstyle\s*=/i, 'a style= attribute'],
    [/\son[a-z]+\s*=/i, 'an inline event handler'],
    [/\b(?:src|href)\s*=\s*["']?(?:[a-z]+:)?\/\//i, 'an external URL'],
  ];
  return {
    name: 'csp-safe-html',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        for (const [pattern, what] of rules) {
          if (pattern.test(html)) {
            throw new Error(`index.html must not contain ${what}`);
          }
        }
      },
    },
  };
}

// https://vite.dev/config/
export default defineConfig({
  plugins: [vue(), cspSafeHtml()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@contract': contractDir,
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy,
    // The dev server serves the contract from outside client/.
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), contractDir] },
  },
  preview: {
    proxy,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Keep every asset a separate file served from 'self' (no data: URLs).
    assetsInlineLimit: 0,
  },
});

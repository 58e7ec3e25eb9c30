// What `npm start` and `npm run dev` share: the environment of a local stack
// (the emulator standing in for a provider without real credentials), the
// services check, the database setup and the supervision of child processes.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Fills in what a local run needs. `publicUrl` is where the browser opens the
 * app (the API itself for `npm start`, Vite's dev server for `npm run dev`).
 */
export function localStackEnv(source, { defaultPublicUrl, log }) {
  const env = { ...source };
  env.PORT ||= '3000';
  env.PUBLIC_URL ||= defaultPublicUrl(env);
  const publicUrl = new URL(env.PUBLIC_URL);

  const emulateFacebook = !env.FACEBOOK_APP_ID;
  const emulateGoogle = !env.GOOGLE_CLIENT_ID;
  const useEmulator = emulateFacebook || emulateGoogle;
  if (useEmulator) {
    env.EMULATOR_PORT ||= '3001';
    // The browser reaches the emulator by the app's host name; servers by 127.0.0.1.
    const emulatorUrl = `${publicUrl.protocol}//${publicUrl.hostname}:${env.EMULATOR_PORT}`;
    const emulatorServerUrl = `http://127.0.0.1:${env.EMULATOR_PORT}`;
    const appUrl = env.PUBLIC_URL.replace(/\/+$/, '');
    if (emulateFacebook) {
      env.FACEBOOK_APP_ID = '1234567890123456';
      env.FACEBOOK_APP_SECRET ||= 'emulator-app-secret-change-me';
      env.FACEBOOK_WEB_URL = emulatorUrl;
      env.FACEBOOK_GRAPH_URL = emulatorServerUrl;
      env.EMULATOR_PUBLIC_URL ||= emulatorUrl; // /me's picture URLs, which the browser loads
      env.EMULATOR_REDIRECT_URIS ||= `${appUrl}/auth/facebook/callback`;
      log(`FACEBOOK_APP_ID is not set: using the bundled Facebook emulator at ${emulatorUrl} (not real Facebook).`);
    }
    if (emulateGoogle) {
      // One issuer string for both: the API's discovery URL and every id_token's `iss`. It is
      // the server-facing origin (the API and the worker fetch discovery, tokens and keys);
      // only authorization_endpoint, which the browser opens, uses the browser-facing one.
      env.GOOGLE_ISSUER = `${emulatorServerUrl}/google`;
      env.EMULATOR_GOOGLE_ISSUER = env.GOOGLE_ISSUER;
      env.EMULATOR_PUBLIC_URL ||= emulatorUrl;
      env.GOOGLE_CLIENT_ID = '123456789012-emulator.apps.googleusercontent.com';
      env.GOOGLE_CLIENT_SECRET ||= '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e-me';
      env.EMULATOR_GOOGLE_REDIRECT_URIS ||= `${appUrl}/auth/google/callback`;
      log(
        `GOOGLE_CLIENT_ID is not set: using the bundled Google emulator at ${emulatorUrl}/google ` +
          `(issuer ${env.GOOGLE_ISSUER}; not real Google).`,
      );
    }
  }
  if (!env.SESSION_SECRET) {
    env.SESSION_SECRET = randomBytes(32).toString('base64url');
    log('SESSION_SECRET is not set: using a random one for this run (sessions end when it stops).');
  }

  /** The emulator's environment: a real provider's credentials are not handed to it. */
  function emulatorEnv() {
    const childEnv = { ...env };
    if (!emulateFacebook) for (const key of ['FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET']) delete childEnv[key];
    if (!emulateGoogle) for (const key of ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET']) delete childEnv[key];
    return childEnv;
  }
  return { env, useEmulator, emulatorEnv };
}

/** One PING with a 2 s budget and no reconnects: the reason it failed, or null. */
async function redisProblem(url) {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED…) says more than "Connection is closed".
  let socketError;
  client.on('error', (error) => (socketError ??= error));
  let timer;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000))),
    ]);
    return null;
  } catch (error) {
    return socketError?.code ?? error.code ?? socketError?.message ?? error.message;
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Runs a command to its end; a failure ends this script with its status. */
export function runToEnd(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * Redis first, then the database (created and migrated): a missing service is
 * a one-line answer, not a minute of build and then a failure.
 */
export async function prepareServices(env, scriptName) {
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379/0';
  const redisTarget = (() => {
    try {
      const { hostname, port } = new URL(redisUrl);
      return `${hostname}:${port || 6379}`;
    } catch {
      return redisUrl;
    }
  })();
  const redisDown = await redisProblem(redisUrl);
  if (redisDown) {
    console.error(
      `[${scriptName}] cannot reach Redis at ${redisTarget} (${redisDown}). ` +
        'Start it (`docker compose up -d`, or your local service, e.g. `sudo systemctl start redis-server`) or set REDIS_URL.',
    );
    process.exit(1);
  }
  runToEnd(
    process.execPath,
    [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), join(root, 'scripts', 'db-setup.ts')],
    env,
  );
}

/**
 * Starts long-running children; when one exits the rest are stopped, and
 * Ctrl+C (SIGINT) or SIGTERM stops them all.
 */
export function supervise(log) {
  const children = [];
  let stopping = false;

  function stop(code = 0) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 10000).unref();
    void Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(
      () => process.exit(code),
    );
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  return function launch(name, command, args, env) {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log(`${name} exited (${signal ?? code}); stopping the rest.`);
      stop(code ?? 1);
    });
    children.push(child);
  };
}

#!/usr/bin/env node
// `npm start`: build if needed, create and migrate the database, then run the
// API and the worker (and the emulator when Facebook or Google has no real
// credentials: it stands in for whichever is missing).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'dotenv/config';
import Redis from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const log = (line) => console.log(`[start] ${line}`);

env.PORT ||= '3000';
env.PUBLIC_URL ||= `http://localhost:${env.PORT}`;
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

/** The emulator's environment: a real provider's credentials are not handed to it. */
function emulatorEnv() {
  const childEnv = { ...env };
  if (!emulateFacebook) for (const key of ['FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET']) delete childEnv[key];
  if (!emulateGoogle) for (const key of ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET']) delete childEnv[key];
  return childEnv;
}
if (!env.SESSION_SECRET) {
  env.SESSION_SECRET = randomBytes(32).toString('base64url');
  log('SESSION_SECRET is not set: using a random one for this run (sessions end when it stops).');
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

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Both services first: a missing one is a one-line answer, not a minute of build and then a failure.
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
    `[start] cannot reach Redis at ${redisTarget} (${redisDown}). ` +
      'Start it (`docker compose up -d`, or your local service, e.g. `sudo systemctl start redis-server`) or set REDIS_URL.',
  );
  process.exit(1);
}

run(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), join(root, 'scripts', 'db-setup.ts')]);

const built =
  ['api', 'worker', 'facebook-emulator'].every((app) => existsSync(join(root, 'dist', 'apps', app, 'main.js'))) &&
  existsSync(join(root, 'client', 'dist', 'index.html'));
if (!built || process.argv.includes('--build')) {
  log('Building the apps and the SPA (npm run build)…');
  run('npm', ['run', 'build', '--silent']);
}

const children = [];
let stopping = false;
function launch(name, childEnv = env) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], {
    cwd: root,
    env: childEnv,
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping the rest.`);
    stop(code ?? 1);
  });
  children.push(child);
}

function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 10000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

if (useEmulator) launch('facebook-emulator', emulatorEnv());
launch('api');
launch('worker');
log(`Open ${env.PUBLIC_URL} and sign in with Facebook or Google. Ctrl+C stops everything.`);

#!/usr/bin/env node
// `npm start`: build if needed, create and migrate the database, then run the
// API and the worker (and the Facebook emulator when no real app is set up).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'dotenv/config';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const log = (line) => console.log(`[start] ${line}`);

env.PORT ||= '3000';
env.PUBLIC_URL ||= `http://localhost:${env.PORT}`;
const publicUrl = new URL(env.PUBLIC_URL);

const useEmulator = !env.FACEBOOK_APP_ID;
if (useEmulator) {
  env.EMULATOR_PORT ||= '3001';
  const emulatorUrl = `${publicUrl.protocol}//${publicUrl.hostname}:${env.EMULATOR_PORT}`;
  env.FACEBOOK_APP_ID = '1234567890123456';
  env.FACEBOOK_APP_SECRET ||= 'emulator-app-secret-change-me';
  env.FACEBOOK_DIALOG_URL = `${emulatorUrl}/v25.0/dialog/oauth`;
  env.FACEBOOK_GRAPH_URL = `http://127.0.0.1:${env.EMULATOR_PORT}/v25.0`;
  env.EMULATOR_REDIRECT_URIS ||= `${env.PUBLIC_URL.replace(/\/+$/, '')}/auth/facebook/callback`;
  log(`FACEBOOK_APP_ID is not set: using the bundled Facebook emulator at ${emulatorUrl} (not real Facebook).`);
}
if (!env.SESSION_SECRET) {
  env.SESSION_SECRET = randomBytes(32).toString('base64url');
  log('SESSION_SECRET is not set: using a random one for this run (sessions end when it stops).');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const built = ['api', 'worker', 'facebook-emulator'].every((app) =>
  existsSync(join(root, 'dist', 'apps', app, 'main.js')),
) && existsSync(join(root, 'client', 'dist', 'index.html'));
if (!built || process.argv.includes('--build')) {
  log('Building the apps and the SPA (npm run build)…');
  run('npm', ['run', 'build', '--silent']);
}

run(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), join(root, 'scripts', 'db-setup.ts')]);

const children = [];
let stopping = false;
function launch(name) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], {
    cwd: root,
    env,
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
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

if (useEmulator) launch('facebook-emulator');
launch('api');
launch('worker');
log(`Open ${env.PUBLIC_URL} and click "Continue with Facebook". Ctrl+C stops everything.`);

#!/usr/bin/env node
// `npm start`: build if needed, create and migrate the database, then run the
// API and the worker (and the emulator when Facebook or Google has no real
// credentials: it stands in for whichever is missing).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import 'dotenv/config';
import { localStackEnv, prepareServices, root, runToEnd, supervise } from './lib/local-stack.mjs';

const log = (line) => console.log(`[start] ${line}`);
const { env, useEmulator, emulatorEnv } = localStackEnv(process.env, {
  defaultPublicUrl: (e) => `http://localhost:${e.PORT}`,
  log,
});

await prepareServices(env, 'start');

const built =
  ['api', 'worker', 'facebook-emulator'].every((app) => existsSync(join(root, 'dist', 'apps', app, 'main.js'))) &&
  existsSync(join(root, 'client', 'dist', 'index.html'));
if (!built || process.argv.includes('--build')) {
  log('Building the apps and the SPA (npm run build)…');
  runToEnd('npm', ['run', 'build', '--silent'], env);
}

const launch = supervise(log);
const launchApp = (name, childEnv = env) =>
  launch(name, process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], childEnv);
if (useEmulator) launchApp('facebook-emulator', emulatorEnv());
launchApp('api');
launchApp('worker');
log(`Open ${env.PUBLIC_URL} and sign in with Facebook or Google. Ctrl+C stops everything.`);

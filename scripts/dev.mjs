#!/usr/bin/env node
// `npm run dev`: the whole stack in watch mode, one command. The API, the
// worker and the emulator rebuild and restart on a change (`nest start
// --watch`); Vite serves the SPA with hot reload and proxies /api and /auth to
// the API, so the browser opens Vite's origin and cookies and SSE stay same-origin.
import 'dotenv/config';
import { concurrently } from 'concurrently';
import { localStackEnv, prepareServices, root } from './lib/local-stack.mjs';

const log = (line) => console.log(`[dev] ${line}`);
const VITE_PORT = 5173; // client/vite.config.ts's server.port (strictPort)
const { env, useEmulator, emulatorEnv } = localStackEnv(process.env, {
  defaultPublicUrl: () => `http://localhost:${VITE_PORT}`,
  log,
});
env.SERVE_CLIENT = 'false'; // Vite serves the SPA
env.API_URL ||= `http://127.0.0.1:${env.PORT}`; // where Vite's proxy sends /api and /auth

await prepareServices(env, 'dev');

const apps = [
  ...(useEmulator ? [{ name: 'emulator', command: 'nest start facebook-emulator --watch', env: emulatorEnv() }] : []),
  { name: 'api', command: 'nest start api --watch', env },
  { name: 'worker', command: 'nest start worker --watch', env },
  { name: 'vite', command: 'npm run dev --prefix client', env },
];
log(`Open ${env.PUBLIC_URL} (Vite, hot reload). Ctrl+C stops everything.`);
const { result } = concurrently(apps, {
  cwd: root,
  prefixColors: ['magenta', 'blue', 'green', 'cyan'],
  // One process ending (a crash at boot, a port taken) stops the rest, as `npm start` does.
  killOthersOn: ['failure', 'success'],
});
result.then(
  () => process.exit(0),
  () => process.exit(1),
);

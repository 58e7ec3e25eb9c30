import { Logger } from '@nestjs/common';
import { loggingEnvSchema, validateEnv } from '@app/config';
import { createStandaloneLogging } from '@app/config/logging';
import {
  createFacebookEmulatorApp,
  loadEmulatorListenOptionsFromEnv,
  loadEmulatorOptionsFromEnv,
} from '@app/facebook-emulator';

async function bootstrap(): Promise<void> {
  const options = loadEmulatorOptionsFromEnv(process.env);
  const { host, port } = loadEmulatorListenOptionsFromEnv(process.env);
  // JSON logs like the other processes; secret query values (client_secret, code, …) are redacted.
  const { logger, httpLogger } = createStandaloneLogging(validateEnv(loggingEnvSchema, process.env), {
    service: 'facebook-emulator',
  });
  const app = await createFacebookEmulatorApp(options, { logger, listenHost: host });
  app.use(httpLogger);
  // Destroys hanging fault responses so SIGTERM/SIGINT end the process promptly.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(port, host);

  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const apps = options.apps
    .map((entry) => `app id ${entry.appId}, redirect URIs ${entry.redirectUris.join(', ')}`)
    .join('; ');
  const google = options.google?.clients
    .map((client) => `Google client ${client.clientId}, redirect URIs ${client.redirectUris.join(', ')}`)
    .join('; ');
  // The secrets are deliberately not logged.
  new Logger('FacebookEmulator').log(
    `Facebook emulator listening on http://${host}:${actualPort} (${apps})` +
      (google ? `; its Google side under /google (${google})` : ''),
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

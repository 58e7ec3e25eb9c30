import { InvalidEnvironmentError } from './validate-env';

/**
 * Runs a process's bootstrap and turns a configuration error into a short
 * message and exit code 1, instead of a stack trace wall.
 */
export function runProcess(name: string, bootstrap: () => Promise<void>): void {
  bootstrap().catch((error: unknown) => {
    if (error instanceof InvalidEnvironmentError) {
      console.error(`${name}: ${error.message}`);
    } else {
      console.error(`${name} failed to start: ${(error as Error)?.stack ?? String(error)}`);
    }
    process.exit(1);
  });
}

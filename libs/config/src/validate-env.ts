import { z } from 'zod';

/** Thrown at boot when the environment is incomplete or malformed. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See .env.example and the Configuration table in README.md.',
    );
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Parses the environment with a schema. Empty strings count as unset, so
 * `FOO=` in a .env file falls back to the default instead of failing oddly.
 */
export function validateEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, unknown>,
): z.infer<S> {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new InvalidEnvironmentError(
    result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    ),
  );
}

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
 * Settings that only mean something together. Half a pair is a mistake, not
 * "off": it is reported at boot, naming the missing half, by every process
 * whose schema has both (the API and the worker alike), instead of one of
 * them quietly running with the provider off.
 */
const PAIRED_SETTINGS: ReadonlyArray<readonly [string, string]> = [['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET']];

function unpairedSettings(schema: z.ZodType, env: Record<string, unknown>): string[] {
  const shape = shapeOf(schema);
  const isSet = (name: string) => env[name] !== undefined;
  return PAIRED_SETTINGS.filter(([a, b]) => a in shape && b in shape && isSet(a) !== isSet(b)).map(([a, b]) => {
    const missing = isSet(a) ? b : a;
    return `${missing}: set ${a} and ${b} together, or neither`;
  });
}

/** The object schema's fields, through a transform (pipe) if there is one. */
function shapeOf(schema: z.core.$ZodType): Record<string, unknown> {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return shapeOf(schema.in);
  return {};
}

/**
 * Parses the environment with a schema. Empty strings count as unset, so
 * `FOO=` in a .env file falls back to the default instead of failing oddly.
 * Every problem is reported at once: the schema's, and half-set pairs.
 */
export function validateEnv<S extends z.ZodType>(schema: S, env: Record<string, unknown>): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(cleaned);
  const unpaired = unpairedSettings(schema, cleaned);
  if (result.success && unpaired.length === 0) return result.data;
  throw new InvalidEnvironmentError([
    ...(result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)),
    ...unpaired,
  ]);
}

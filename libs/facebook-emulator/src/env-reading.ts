import { z } from 'zod';
import { httpUrlSchema } from './http-url';

export type EmulatorEnv = Record<string, string | undefined>;

export const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** A comma list of absolute http(s) URLs, at least one. */
export const urlList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((uri) => uri.trim())
      .filter((uri) => uri.length > 0),
  )
  .pipe(z.array(httpUrlSchema).min(1, 'must list at least one URI'));

/** Parses one variable; empty counts as unset. Errors name the variable. */
export function readEnv<T>(env: EmulatorEnv, name: string, schema: z.ZodType<T>): T | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => issue.message).join('; ');
  throw new Error(`Invalid environment variable ${name}: ${detail}`);
}

/** PUBLIC_URL (the app's origin, default http://localhost:3000) without a trailing slash. */
export function readPublicUrl(env: EmulatorEnv): string {
  return (readEnv(env, 'PUBLIC_URL', httpUrlSchema) ?? 'http://localhost:3000').replace(/\/+$/, '');
}

import type { NextFunction, Request, Response } from 'express';
import { secretsMatch } from '@app/observability';

export interface AdminCredentials {
  user: string;
  password: string;
}

export const ADMIN_REALM = 'Basic realm="async-facebook-login admin", charset="UTF-8"';

/** The admin credentials from the environment, or null when the admin routes are off. */
export function adminCredentials(env: { ADMIN_USER?: string; ADMIN_PASSWORD?: string }): AdminCredentials | null {
  return env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null;
}

/** Whether an `Authorization: Basic …` header carries these credentials (both compared in constant time). */
export function basicAuthMatches(authorization: string | undefined, credentials: AdminCredentials): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = secretsMatch(decoded.slice(0, colon), credentials.user);
  const passwordOk = secretsMatch(decoded.slice(colon + 1), credentials.password);
  return userOk && passwordOk;
}

/** Express middleware in front of the queue dashboard (bull-board is not a Nest route, so no guard reaches it). */
export function basicAuthMiddleware(credentials: AdminCredentials) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (basicAuthMatches(req.get('authorization'), credentials)) return next();
    res.setHeader('WWW-Authenticate', ADMIN_REALM);
    res.status(401).json({
      statusCode: 401,
      message: 'Admin credentials required',
      error: 'Unauthorized',
    });
  };
}

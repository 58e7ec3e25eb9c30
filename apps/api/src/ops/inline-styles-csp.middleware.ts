import type { NextFunction, Request, Response } from 'express';

/**
 * helmet's CSP (set by configureApiApp for every response) with inline
 * styles allowed, for the two third-party UIs that need them: Swagger UI and
 * the queue dashboard both style elements inline. Scripts stay 'self' only;
 * the rest of the site keeps the strict policy.
 */
export function allowInlineStyles(_req: Request, res: Response, next: NextFunction): void {
  const policy = res.getHeader('content-security-policy');
  if (typeof policy === 'string') {
    res.setHeader(
      'content-security-policy',
      policy.replace(
        /(^|;)\s*style-src ([^;]*)/,
        (_m, start: string, sources: string) =>
          `${start}style-src ${sources.includes("'unsafe-inline'") ? sources : `${sources} 'unsafe-inline'`}`,
      ),
    );
  }
  next();
}

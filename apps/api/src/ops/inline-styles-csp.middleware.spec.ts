import type { Request, Response } from 'express';
import { allowInlineStyles } from './inline-styles-csp.middleware';

describe(allowInlineStyles.name, () => {
  it("adds 'unsafe-inline' to style-src only, keeping every other directive", () => {
    const headers: Record<string, string> = {
      'content-security-policy': "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:",
    };
    const res = {
      getHeader: (name: string) => headers[name],
      setHeader: (name: string, value: string) => (headers[name] = value),
    } as unknown as Response;
    const next = jest.fn();
    allowInlineStyles({} as Request, res, next);
    allowInlineStyles({} as Request, res, next);
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:",
    );
    expect(next).toHaveBeenCalledTimes(2);
  });
});

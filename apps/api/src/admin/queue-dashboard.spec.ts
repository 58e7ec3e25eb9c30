import type { NextFunction, Request, Response } from 'express';
import { dashboardJobData, readOnlyDashboard } from './queue-dashboard';

describe(dashboardJobData.name, () => {
  it('shows the operation id and whether each secret is there, never the secret', () => {
    const shown = dashboardJobData({
      operationId: 'op-1',
      code: 'the-code',
      codeVerifier: 'the-verifier',
      sealedToken: 'the-token',
      codeSentAt: 1_700_000_000_000,
    });
    expect(shown).toEqual({
      operationId: 'op-1',
      hasCode: true,
      hasCodeVerifier: true,
      hasSealedToken: true,
      codeSentAt: 1_700_000_000_000,
    });
    expect(JSON.stringify(shown)).not.toMatch(/the-code|the-verifier|the-token/);
  });

  it('drops any field it does not know (a whitelist)', () => {
    expect(dashboardJobData({ operationId: 'op-2', accessToken: 'raw', code: '' })).toEqual({
      operationId: 'op-2',
      hasCode: false,
      hasCodeVerifier: false,
      hasSealedToken: false,
      codeSentAt: null,
    });
  });

  it.each([null, undefined, 'text', 42, { operationId: 7 }])('copes with odd data %p', (data) => {
    expect(dashboardJobData(data)).toEqual({
      operationId: null,
      hasCode: false,
      hasCodeVerifier: false,
      hasSealedToken: false,
      codeSentAt: null,
    });
  });
});

describe(readOnlyDashboard.name, () => {
  const run = (method: string) => {
    const res = { status: jest.fn().mockReturnThis(), json: jest.fn().mockReturnThis() };
    const next = jest.fn() as NextFunction;
    readOnlyDashboard({ method } as Request, res as unknown as Response, next);
    return { res, next };
  };

  it.each(['GET', 'HEAD'])('lets %s through', (method) => {
    const { res, next } = run(method);
    expect(next).toHaveBeenCalled();
    expect(res.status).not.toHaveBeenCalled();
  });

  it.each(['PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'])('answers %s with 403 JSON', (method) => {
    const { res, next } = run(method);
    expect(next).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(403);
    expect(res.json).toHaveBeenCalledWith(expect.objectContaining({ statusCode: 403, error: 'Forbidden' }));
  });
});

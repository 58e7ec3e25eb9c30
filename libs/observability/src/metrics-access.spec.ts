import { metricsAccess, secretsMatch } from './metrics-access';

describe(metricsAccess.name, () => {
  const token = 'a-metrics-token-of-some-length';

  it('answers 404 (disabled) with METRICS_ENABLED=false, whatever the header', () => {
    expect(metricsAccess({ METRICS_ENABLED: false, METRICS_TOKEN: token }, `Bearer ${token}`)).toBe('disabled');
  });

  it('is open without METRICS_TOKEN outside production', () => {
    expect(metricsAccess({ METRICS_ENABLED: true }, undefined)).toBe('allowed');
    expect(metricsAccess({ NODE_ENV: 'development', METRICS_ENABLED: true }, undefined)).toBe('allowed');
    expect(metricsAccess({ NODE_ENV: 'test', METRICS_ENABLED: true }, undefined)).toBe('allowed');
  });

  it('is closed in production until METRICS_TOKEN is set, whatever the header', () => {
    const env = { NODE_ENV: 'production' as const, METRICS_ENABLED: true };
    for (const header of [undefined, 'Bearer anything-at-all-here', `Bearer ${token}`]) {
      expect(metricsAccess(env, header)).toBe('token-required');
    }
    expect(metricsAccess({ ...env, METRICS_TOKEN: token }, `Bearer ${token}`)).toBe('allowed');
    expect(metricsAccess({ ...env, METRICS_TOKEN: token }, undefined)).toBe('unauthorized');
    expect(metricsAccess({ ...env, METRICS_ENABLED: false }, undefined)).toBe('disabled');
  });

  it('wants exactly `Bearer <token>` when METRICS_TOKEN is set', () => {
    const env = { METRICS_ENABLED: true, METRICS_TOKEN: token };
    expect(metricsAccess(env, `Bearer ${token}`)).toBe('allowed');
    expect(metricsAccess(env, `bearer ${token}`)).toBe('allowed');
    for (const header of [undefined, '', token, `Bearer ${token}x`, `Basic ${token}`, `Bearer ${token.slice(1)}`]) {
      expect(metricsAccess(env, header)).toBe('unauthorized');
    }
  });
});

describe(secretsMatch.name, () => {
  it('compares whole strings of any length', () => {
    expect(secretsMatch('abc', 'abc')).toBe(true);
    expect(secretsMatch('abc', 'abcd')).toBe(false);
    expect(secretsMatch('', 'x')).toBe(false);
  });
});

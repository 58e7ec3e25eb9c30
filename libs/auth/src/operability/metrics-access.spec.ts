import { metricsAccess, secretsMatch } from './metrics-access';

describe(metricsAccess.name, () => {
  const token = 'a-metrics-token-of-some-length';

  it('answers 404 (disabled) with METRICS_ENABLED=false, whatever the header', () => {
    expect(
      metricsAccess(
        { METRICS_ENABLED: false, METRICS_TOKEN: token },
        `Bearer ${token}`,
      ),
    ).toBe('disabled');
  });

  it('is open without METRICS_TOKEN', () => {
    expect(metricsAccess({ METRICS_ENABLED: true }, undefined)).toBe('allowed');
  });

  it('wants exactly `Bearer <token>` when METRICS_TOKEN is set', () => {
    const env = { METRICS_ENABLED: true, METRICS_TOKEN: token };
    expect(metricsAccess(env, `Bearer ${token}`)).toBe('allowed');
    expect(metricsAccess(env, `bearer ${token}`)).toBe('allowed');
    for (const header of [
      undefined,
      '',
      token,
      `Bearer ${token}x`,
      `Basic ${token}`,
      `Bearer ${token.slice(1)}`,
    ]) {
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

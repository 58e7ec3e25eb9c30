import { apiEnvSchema, workerEnvSchema } from './env.schema';
import { InvalidEnvironmentError, validateEnv } from './validate-env';

const minimal = {
  FACEBOOK_APP_ID: '1234567890',
  FACEBOOK_APP_SECRET: 'a-secret-of-some-length',
  SESSION_SECRET: 'x'.repeat(32),
};

describe(validateEnv.name, () => {
  it('fills the documented defaults', () => {
    const env = validateEnv(apiEnvSchema, minimal);
    expect(env).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/facebook_login',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      FACEBOOK_DIALOG_URL: 'https://www.facebook.com/v25.0/dialog/oauth',
      FACEBOOK_GRAPH_URL: 'https://graph.facebook.com/v25.0',
      LOGIN_DEADLINE_MS: 60000,
      SERVE_CLIENT: true,
    });
  });

  it('strips a trailing slash from URLs so paths can be appended', () => {
    const env = validateEnv(apiEnvSchema, {
      ...minimal,
      PUBLIC_URL: 'https://login.example.com/',
    });
    expect(env.PUBLIC_URL).toBe('https://login.example.com');
  });

  it('treats an empty value as unset', () => {
    const env = validateEnv(apiEnvSchema, { ...minimal, PORT: '' });
    expect(env.PORT).toBe(3000);
  });

  it('names every missing or malformed variable', () => {
    let error: unknown;
    try {
      validateEnv(apiEnvSchema, {
        FACEBOOK_APP_ID: 'not-a-number',
        DATABASE_URL: 'postgres://localhost/db',
        REDIS_URL: 'redis://localhost:6379/x',
        PORT: '70000',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    for (const name of [
      'FACEBOOK_APP_ID',
      'FACEBOOK_APP_SECRET',
      'SESSION_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
      'PORT',
    ]) {
      expect(message).toContain(name);
    }
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
    ['loopback', 'loopback'],
  ])('reads TRUST_PROXY=%s as Express does', (text, expected) => {
    expect(validateEnv(apiEnvSchema, { ...minimal, TRUST_PROXY: text }).TRUST_PROXY).toEqual(expected);
  });

  it('refuses a TRUST_PROXY it cannot read', () => {
    expect(() => validateEnv(apiEnvSchema, { ...minimal, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('does not ask the worker for API-only settings', () => {
    const { SESSION_SECRET: _unused, ...workerEnv } = minimal;
    expect(() => validateEnv(workerEnvSchema, workerEnv)).not.toThrow();
  });
});

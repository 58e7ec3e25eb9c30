import { validateEnv, workerEnvSchema } from '@app/config';

const minimal = {
  FACEBOOK_APP_ID: '1234567890',
  FACEBOOK_APP_SECRET: 'a-secret-of-some-length',
};

describe('WORKER_HEALTH_HOST', () => {
  it('binds the health port to loopback unless told otherwise', () => {
    expect(validateEnv(workerEnvSchema, minimal).WORKER_HEALTH_HOST).toBe('127.0.0.1');
    expect(validateEnv(workerEnvSchema, { ...minimal, WORKER_HEALTH_HOST: '' }).WORKER_HEALTH_HOST).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '::1', '10.1.2.3', 'localhost', 'worker-1.internal'])('accepts %s', (host) => {
    expect(validateEnv(workerEnvSchema, { ...minimal, WORKER_HEALTH_HOST: host }).WORKER_HEALTH_HOST).toBe(host);
  });

  it.each(['http://0.0.0.0', '0.0.0.0:3002', 'two words', '[::1]', 'a/b'])('refuses %s, naming the setting', (host) => {
    expect(() => validateEnv(workerEnvSchema, { ...minimal, WORKER_HEALTH_HOST: host })).toThrow(/WORKER_HEALTH_HOST/);
  });
});

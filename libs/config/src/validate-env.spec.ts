import { apiEnvSchema, loggingEnvSchema, workerEnvSchema } from './env.schema';
import { facebookEndpoints } from './facebook-endpoints';
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
      FACEBOOK_WEB_URL: 'https://www.facebook.com',
      FACEBOOK_GRAPH_URL: 'https://graph.facebook.com',
      FACEBOOK_GRAPH_VERSION: 'v25.0',
      LOGIN_DEADLINE_MS: 60000,
      SERVE_CLIENT: true,
    });
  });

  it('derives both Facebook URLs from the one Graph version', () => {
    const env = validateEnv(apiEnvSchema, { ...minimal, FACEBOOK_GRAPH_VERSION: 'v26.0' });
    expect(facebookEndpoints(env)).toEqual({
      dialogUrl: 'https://www.facebook.com/v26.0/dialog/oauth',
      graphApiUrl: 'https://graph.facebook.com/v26.0',
    });
  });

  it('refuses a version inside a Facebook URL, a malformed version and the removed FACEBOOK_DIALOG_URL', () => {
    expect(() =>
      validateEnv(apiEnvSchema, {
        ...minimal,
        FACEBOOK_GRAPH_URL: 'https://graph.facebook.com/v25.0',
        FACEBOOK_GRAPH_VERSION: '25',
        FACEBOOK_DIALOG_URL: 'https://www.facebook.com/v25.0/dialog/oauth',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'FACEBOOK_GRAPH_URL: the origin only (such as https://graph.facebook.com), without a version or path: set the version in FACEBOOK_GRAPH_VERSION',
          'FACEBOOK_GRAPH_VERSION: a Graph API version such as v25.0',
          'FACEBOOK_DIALOG_URL: no longer read: set FACEBOOK_WEB_URL (host) and FACEBOOK_GRAPH_VERSION',
        ],
      }),
    );
  });

  it.each(['https://graph.facebook.com/v25', 'https://proxy.example/facebook', 'https://graph.facebook.com/?x=1'])(
    'refuses a Facebook URL with a path or query (%s)',
    (url) => {
      expect(() => validateEnv(apiEnvSchema, { ...minimal, FACEBOOK_WEB_URL: url })).toThrow(
        /FACEBOOK_WEB_URL: the origin only/,
      );
    },
  );

  it('takes a Facebook origin with a port or a trailing slash', () => {
    const env = validateEnv(apiEnvSchema, { ...minimal, FACEBOOK_GRAPH_URL: 'http://127.0.0.1:3001/' });
    expect(facebookEndpoints(env).graphApiUrl).toBe('http://127.0.0.1:3001/v25.0');
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

  describe('Google client id and secret, which go together', () => {
    const google = {
      GOOGLE_CLIENT_ID: 'client-123.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'GOCSPX-a-secret',
    };
    const { SESSION_SECRET: _unused, ...workerMinimal } = minimal;

    it.each([
      ['API', apiEnvSchema, minimal],
      ['worker', workerEnvSchema, workerMinimal],
    ] as const)(
      'turn Google on for the %s when both are set, and leave it off when neither is',
      (_process, schema, base) => {
        expect(validateEnv(schema, { ...base, ...google })).toMatchObject(google);
        const off = validateEnv(schema, {
          ...base,
          GOOGLE_CLIENT_ID: '',
          GOOGLE_CLIENT_SECRET: '',
        });
        expect(off.GOOGLE_CLIENT_ID).toBeUndefined();
        expect(off.GOOGLE_CLIENT_SECRET).toBeUndefined();
      },
    );

    it.each([
      ['API', apiEnvSchema, minimal, 'GOOGLE_CLIENT_SECRET', { GOOGLE_CLIENT_ID: google.GOOGLE_CLIENT_ID }],
      ['API', apiEnvSchema, minimal, 'GOOGLE_CLIENT_ID', { GOOGLE_CLIENT_SECRET: google.GOOGLE_CLIENT_SECRET }],
      [
        'worker',
        workerEnvSchema,
        workerMinimal,
        'GOOGLE_CLIENT_SECRET',
        { GOOGLE_CLIENT_ID: google.GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET: '' },
      ],
      [
        'worker',
        workerEnvSchema,
        workerMinimal,
        'GOOGLE_CLIENT_ID',
        { GOOGLE_CLIENT_SECRET: google.GOOGLE_CLIENT_SECRET },
      ],
    ] as const)('stop the %s at boot when only one is set, naming %s', (_process, schema, base, missing, half) => {
      let error: unknown;
      try {
        validateEnv(schema, { ...base, ...half });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      expect((error as InvalidEnvironmentError).problems).toEqual([
        `${missing}: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET together, or neither`,
      ]);
    });

    it("are reported with the schema's other problems, all at once", () => {
      expect(() =>
        validateEnv(apiEnvSchema, {
          ...minimal,
          PORT: '70000',
          GOOGLE_CLIENT_ID: google.GOOGLE_CLIENT_ID,
        }),
      ).toThrow(/PORT: [^\n]+\n {2}- GOOGLE_CLIENT_SECRET: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET together/);
    });

    it('still hold when the schema is transformed after parsing', () => {
      expect(() =>
        validateEnv(
          workerEnvSchema.transform((env) => env),
          { ...workerMinimal, GOOGLE_CLIENT_ID: google.GOOGLE_CLIENT_ID },
        ),
      ).toThrow(/GOOGLE_CLIENT_SECRET: set GOOGLE_CLIENT_ID/);
    });

    it('mean nothing to a process whose schema has neither (the emulator)', () => {
      expect(() =>
        validateEnv(loggingEnvSchema, {
          GOOGLE_CLIENT_ID: google.GOOGLE_CLIENT_ID,
        }),
      ).not.toThrow();
    });
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { loggableUrl } from './log-redaction';
import { runWithOperationLogContext } from './operation-log-context';
import { pinoHttpOptions, requestId } from './pino-options';

const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'log',
  LOG_DESTINATION: 'stdout',
} as const;

function capture(): {
  lines: () => Record<string, unknown>[];
  logger: pino.Logger;
} {
  const chunks: string[] = [];
  const logger = pino(
    pinoHttpOptions(env, {
      service: 'api',
      queryFreePaths: ['/auth/facebook/callback'],
    }),
    {
      write: (chunk: string) => chunks.push(chunk),
    },
  );
  return {
    logger,
    lines: () => chunks.map((c) => JSON.parse(c) as Record<string, unknown>),
  };
}

describe(loggableUrl.name, () => {
  it('drops the whole query of the OAuth callback, however the path is spelled', () => {
    expect(loggableUrl('/auth/facebook/callback?code=AQ123&state=s3cret', ['/auth/facebook/callback'])).toBe(
      '/auth/facebook/callback',
    );
    expect(loggableUrl('/AUTH/facebook/callback/?code=AQ123', ['/auth/facebook/callback'])).toBe(
      '/AUTH/facebook/callback/',
    );
  });

  it('keeps other queries but redacts the values of secret parameters', () => {
    expect(
      loggableUrl('/v25.0/oauth/access_token?client_id=1&client_secret=abc&code=AQ1&code_verifier=v&redirect_uri=x'),
    ).toBe(
      '/v25.0/oauth/access_token?client_id=1&client_secret=[Redacted]&code=[Redacted]&code_verifier=[Redacted]&redirect_uri=x',
    );
    expect(loggableUrl('/me?access_token=EAAxyz&fields=id')).toBe('/me?access_token=[Redacted]&fields=id');
    expect(loggableUrl('/x?code[]=AQ1&code%5B%5D=AQ2&%E0=1')).toBe(
      '/x?code[]=[Redacted]&code%5B%5D=[Redacted]&%E0=[Redacted]',
    );
    expect(loggableUrl('/admin/operations?status=error&limit=5')).toBe('/admin/operations?status=error&limit=5');
  });
});

describe(requestId.name, () => {
  const res = () =>
    ({ setHeader: jest.fn() }) as unknown as ServerResponse & {
      setHeader: jest.Mock;
    };
  const req = (id?: string) =>
    ({
      headers: id === undefined ? {} : { 'x-request-id': id },
    }) as IncomingMessage;

  it('honours a well-formed incoming id and echoes it', () => {
    const response = res();
    expect(requestId(req('proxy-1234'), response)).toBe('proxy-1234');
    expect(response.setHeader).toHaveBeenCalledWith('x-request-id', 'proxy-1234');
  });

  it('replaces a missing or malformed one with a random uuid', () => {
    for (const incoming of [undefined, '', 'a\nfake log line', 'x'.repeat(65)]) {
      expect(requestId(req(incoming), res())).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe(pinoHttpOptions.name, () => {
  it('redacts secrets by path, at the top level and one level down', () => {
    const { logger, lines } = capture();
    logger.info({
      access_token: 'EAAtoken',
      job: {
        code_verifier: 'verifier',
        sealedToken: 'sealed',
        operationId: 'op1',
      },
      req: { headers: { cookie: 'afl.sid=s%3Asecret' } },
      err: { code: 'ECONNREFUSED' },
    });
    const [line] = lines();
    expect(JSON.stringify(line)).not.toMatch(/EAAtoken|"verifier"|"sealed"|s%3Asecret/);
    expect(line).toMatchObject({
      service: 'api',
      job: { operationId: 'op1' },
      err: { code: 'ECONNREFUSED' },
    });
  });

  it('adds the operation id of the current context to every line', () => {
    const { logger, lines } = capture();
    runWithOperationLogContext({ operationId: 'op-42' }, () => logger.info('inside'));
    let late: string | undefined;
    runWithOperationLogContext({ resolve: () => late }, () => {
      logger.info('before it is known');
      late = 'op-43';
      logger.info('after');
    });
    logger.info('outside');
    expect(lines().map((l) => [l.msg, l.operationId])).toEqual([
      ['inside', 'op-42'],
      ['before it is known', undefined],
      ['after', 'op-43'],
      ['outside', undefined],
    ]);
  });

  it('serializes a request without cookies, authorization or the callback query', () => {
    const options = pinoHttpOptions(env, {
      service: 'api',
      queryFreePaths: ['/auth/facebook/callback'],
    });
    const serialize = (options.serializers as Record<string, (value: unknown) => Record<string, unknown>>).req;
    const serialized = serialize({
      id: 'r1',
      method: 'GET',
      url: '/auth/facebook/callback?code=AQ1&state=s1',
      headers: {
        cookie: 'afl.sid=x',
        authorization: 'Basic eA==',
        'user-agent': 'Firefox',
      },
      remoteAddress: '127.0.0.1',
    });
    expect(serialized).toEqual({
      id: 'r1',
      method: 'GET',
      url: '/auth/facebook/callback',
      remoteAddress: '127.0.0.1',
      headers: { 'user-agent': 'Firefox' },
    });
  });
});

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  KeepAliveAgents,
  ProviderTransportError,
  describeTransportFailure,
  keepAliveAgent,
  parseJson,
  sendProviderRequest,
} from './provider-http';

// The providers' clients test this transport through their own calls (timeouts,
// stalls, drops, refusals, sizes: facebook-graph.client.spec, google-token.client.spec);
// here, what they cannot see: the raw error, the agents, the helpers.
describe('provider-http', () => {
  const servers: http.Server[] = [];
  const agents: http.Agent[] = [];
  afterEach(async () => {
    agents.splice(0).forEach((agent) => agent.destroy());
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A server on which every connection answers one request, then drops the next one sent on it. */
  const oneRequestPerConnection = async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: boolean };
      if (socket.served) return socket.destroy();
      socket.served = true;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return {
      url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
      connections: () => connections,
    };
  };

  it('asks a GET again on a new connection when the kept-alive one was closed; a POST fails, flagged stale', async () => {
    const server = await oneRequestPerConnection();
    const agent = keepAliveAgent('http:');
    agents.push(agent);
    const get = { method: 'GET' as const, headers: {} };
    await expect(sendProviderRequest(agent, server.url, get, 2000)).resolves.toEqual({
      status: 200,
      text: '{"ok":true}',
    });
    await expect(sendProviderRequest(agent, server.url, get, 2000)).resolves.toMatchObject({ status: 200 });
    expect(server.connections()).toBe(2);

    const post = { method: 'POST' as const, headers: { 'content-type': 'text/plain' }, body: 'code=c' };
    const error = await sendProviderRequest(agent, server.url, post, 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTransportError);
    expect(error).toMatchObject({ kind: 'network', staleConnection: true, codeFate: 'unknown' });
    expect(server.connections()).toBe(2);
  });

  it('refuses a call whose signal has already aborted, the code untouched', async () => {
    const agent = keepAliveAgent('http:');
    agents.push(agent);
    const signal = AbortSignal.abort(new Error('lost the lock'));
    const error = await sendProviderRequest(
      agent,
      new URL('http://127.0.0.1:9/'),
      { method: 'GET', headers: {} },
      100,
      signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', codeFate: 'untouched', cause: signal.reason });
  });

  it('keeps one lifo keep-alive agent per protocol', () => {
    const both = new KeepAliveAgents();
    try {
      expect(both.for(new URL('https://graph.example.test/'))).toBe(both.https);
      expect(both.for(new URL('http://127.0.0.1:3001/'))).toBe(both.http);
      expect(both.https).toBeInstanceOf(https.Agent);
      // Node keeps the options it was built with (untyped in @types/node).
      expect((both.http as unknown as { options: http.AgentOptions }).options).toMatchObject({
        keepAlive: true,
        scheduling: 'lifo',
      });
    } finally {
      both.destroy();
    }
  });

  it('reads JSON or says it is not, and words a failure for the stored error', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('<html>')).toBeUndefined();
    const failure = (kind: ProviderTransportError['kind'], details = {}) =>
      new ProviderTransportError(kind, 'socket hang up', { codeFate: 'unknown', ...details });
    expect(describeTransportFailure(failure('timeout'), 'Google', 150)).toBe('timed out after 150 ms');
    expect(describeTransportFailure(failure('redirect', { status: 302 }), 'Google', 150)).toBe(
      'was answered with a redirect (HTTP 302)',
    );
    expect(describeTransportFailure(failure('network'), 'Facebook', 150)).toBe(
      'could not reach Facebook (socket hang up)',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createFacebookEmulatorApp } from './create-facebook-emulator-app';
import { hostAllowed } from './host-guard';

describe(hostAllowed.name, () => {
  const local = { port: 3001, address: '127.0.0.1' };

  it.each(['localhost:3001', '127.0.0.1:3001', '[::1]:3001', 'LOCALHOST:3001'])('accepts its own %s', (host) => {
    expect(hostAllowed(host, local)).toBe(true);
  });

  it('accepts the address it listens on and the configured host name', () => {
    expect(hostAllowed('10.0.0.5:3001', { port: 3001, address: '10.0.0.5' })).toBe(true);
    expect(hostAllowed('[fd00::2]:3001', { port: 3001, address: 'fd00::2' })).toBe(true);
    expect(hostAllowed('10.0.0.5:3001', { port: 3001, address: '::ffff:10.0.0.5' })).toBe(true);
    expect(hostAllowed('emulator.internal:3001', { ...local, listenHost: 'emulator.internal' })).toBe(true);
    expect(hostAllowed('localhost:80', { port: 80, address: '127.0.0.1' })).toBe(true);
    expect(hostAllowed('localhost', { port: 80, address: '127.0.0.1' })).toBe(true);
  });

  it.each([
    undefined,
    '',
    'evil.example:3001', // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1
    'evil.example',
    'localhost.evil.example:3001',
    'localhost.:3001',
    '127.0.0.1:3002', // right host, another port
    'localhost', // port 80, not this one
    '127.0.0.1:3001@evil.example',
    'evil.example@127.0.0.1:3001',
    '127.0.0.1:3001/x',
    '127.0.0.1:03001x',
    '0.0.0.0:3001',
    '[::]:3001',
  ])('refuses Host %p', (host) => {
    expect(hostAllowed(host, local)).toBe(false);
  });

  it('does not take a wildcard listen host for a name', () => {
    expect(hostAllowed('0.0.0.0:3001', { ...local, listenHost: '0.0.0.0' })).toBe(false);
    expect(hostAllowed('[::]:3001', { ...local, listenHost: '::' })).toBe(false);
  });
});

describe('The emulator app behind its Host check', () => {
  let app: NestExpressApplication;
  let port: number;

  const get = (path: string, host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    app = await createFacebookEmulatorApp(
      { apps: [{ appId: '1234567890123456', appSecret: 's', redirectUris: ['http://localhost:3000/cb'] }] },
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers its own host', async () => {
    expect((await get('/__emulator/health', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get('/__emulator/health', `localhost:${port}`)).status).toBe(200);
  });

  it('answers another Host with 421 and a Facebook-shaped error, on every route', async () => {
    for (const path of ['/__emulator/health', '/v25.0/me', '/v25.0/dialog/oauth', '/nothing']) {
      const response = await get(path, `evil.example:${port}`);
      expect(response.status).toBe(421);
      const body = JSON.parse(response.body) as {
        error: { message: string; type: string; code: number; fbtrace_id: string };
      };
      expect(body.error).toMatchObject({
        type: 'OAuthException',
        code: expect.any(Number),
        fbtrace_id: expect.any(String),
      });
      expect(body.error.message).toMatch(/host/i);
      expect(response.body).not.toContain('evil.example');
    }
  });
});

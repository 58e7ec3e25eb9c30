'use strict';
/**
 * The floor under "RSS per open stream": N idle SSE responses held by a bare
 * Node http server (or express, with --express), nothing else. Compare with
 * the API's figure in docs/BENCHMARKS.md.
 *
 *   node bench/floor/sse-floor.js [--express] [--streams=10000]
 *
 * It starts the server as a child process on a free port, opens the streams
 * from this process over raw sockets, and prints (RSS open − RSS before) / N
 * and the heap per stream, both measured after a full GC.
 */
const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');

if (process.env.SSE_FLOOR_SERVER) {
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  const handler = (req, res) => {
    if (req.url === '/mem') {
      gc();
      gc();
      res.end(JSON.stringify({ rssKiB: rss(), heapUsed: process.memoryUsage().heapUsed }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('event: status\nid: pending\ndata: {"id":"x","status":"pending"}\n\n');
  };
  let app = handler;
  if (process.env.SSE_FLOOR_SERVER === 'express') {
    const express = require('express');
    app = express();
    app.get('/mem', handler);
    app.get('/events', handler);
  }
  const server = http.createServer(app).listen(0, '127.0.0.1', () => process.send(server.address().port));
  return;
}

const kind = process.argv.includes('--express') ? 'express' : 'bare';
const count = Number(process.argv.find((a) => a.startsWith('--streams='))?.split('=')[1] ?? 10000);
const child = fork(__filename, [], { env: { ...process.env, SSE_FLOOR_SERVER: kind } });
child.once('message', async (port) => {
  const mem = () =>
    new Promise((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/mem', agent: false }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(JSON.parse(body)));
        })
        .on('error', reject),
    );
  try {
    const before = await mem();
    const sockets = [];
    for (let i = 0; i < count; i += 250) {
      await Promise.all(
        Array.from(
          { length: Math.min(250, count - i) },
          () =>
            new Promise((resolve) => {
              const s = net.connect(port, '127.0.0.1', () =>
                s.write('GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n'),
              );
              s.once('data', resolve);
              sockets.push(s);
            }),
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const open = await mem();
    console.log(
      JSON.stringify({
        server: kind,
        streams: count,
        rssPerStreamKiB: Math.round(((open.rssKiB - before.rssKiB) / count) * 10) / 10,
        heapPerStreamBytes: Math.round((open.heapUsed - before.heapUsed) / count),
      }),
    );
    sockets.forEach((s) => s.destroy());
  } finally {
    child.kill();
  }
});

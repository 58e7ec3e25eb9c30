'use strict';
/**
 * Benchmark probe, preloaded into a server process with
 *   NODE_OPTIONS="--require /abs/path/bench/probes/probe.js"
 * and BENCH_PROBE_SOCKET=/path/to/a.sock. It changes nothing in the app: it
 * only opens a tiny HTTP server on that Unix socket (no TCP port) so the
 * benchmark can ask, without signals (Nest treats SIGUSR2 as a shutdown):
 *
 *   GET /eld/reset        start a new event-loop delay window
 *   GET /eld              that window's monitorEventLoopDelay histogram (ms)
 *   GET /memory?gc=1      process.memoryUsage() (after a full GC when gc=1)
 *   GET /profile/start    start the V8 CPU profiler (inspector, in-process)
 *   GET /profile/stop?file=/abs/x.cpuprofile   stop it and write the profile
 *   GET /heapsnapshot?file=/abs/x.heapsnapshot  write a heap snapshot (after a full GC)
 *
 * Without BENCH_PROBE_SOCKET it does nothing at all.
 */
const socketPath = process.env.BENCH_PROBE_SOCKET;
if (socketPath) {
  const http = require('node:http');
  const fs = require('node:fs');
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const v8 = require('node:v8');
  const vm = require('node:vm');

  // 10 ms sampling resolution is Node's default; 1 ms catches short stalls too.
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let windowStart = Date.now();

  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');

  let session;
  const post = (method, params = {}) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );

  const ms = (ns) => Math.round((ns / 1e6) * 1000) / 1000;
  const routes = {
    '/eld/reset': () => {
      histogram.reset();
      windowStart = Date.now();
      return { ok: true };
    },
    '/eld': () => ({
      windowMs: Date.now() - windowStart,
      count: histogram.count,
      min: ms(histogram.min),
      mean: ms(histogram.mean),
      p50: ms(histogram.percentile(50)),
      p90: ms(histogram.percentile(90)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    }),
    '/memory': (query) => {
      if (query.get('gc') === '1') {
        gc();
        gc();
      }
      return { ...process.memoryUsage(), pid: process.pid };
    },
    '/profile/start': async () => {
      const inspector = require('node:inspector');
      session = new inspector.Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      return { ok: true };
    },
    '/profile/stop': async (query) => {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      session = undefined;
      const file = query.get('file');
      if (file) fs.writeFileSync(file, JSON.stringify(profile));
      return { ok: true, file, nodes: profile.nodes.length };
    },
  };

  routes['/heapsnapshot'] = (query) => {
    gc();
    const file = v8.writeHeapSnapshot(query.get('file') || undefined);
    return { ok: true, file };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://probe');
    const route = routes[url.pathname];
    Promise.resolve()
      .then(() => (route ? route(url.searchParams) : { error: 'no such route' }))
      .then(
        (body) => {
          res.writeHead(route ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(error && error.stack) }));
        },
      );
  });
  try {
    fs.unlinkSync(socketPath);
  } catch {
    // not there: fine
  }
  server.listen(socketPath);
  // Never keep the app alive on its own, never be part of its shutdown.
  server.unref();
}

import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '@app/observability';

function isEventStream(res: ServerResponse, args: unknown[]): boolean {
  const headers = args.find(
    (arg): arg is OutgoingHttpHeaders => typeof arg === 'object' && arg !== null && !Array.isArray(arg),
  );
  const type = res.getHeader('content-type') ?? headers?.['Content-Type'] ?? headers?.['content-type'];
  return String(type ?? '').startsWith('text/event-stream');
}

/**
 * `afl_open_event_streams`: SSE responses this API instance holds open. A
 * response counts once it turns out to be a stream (not a 404, nor the 204
 * after the end) and stops counting when its socket closes.
 */
@Injectable()
export class OpenEventStreams {
  private readonly gauge: Gauge;

  constructor(metrics: MetricsRegistry) {
    this.gauge = new Gauge({
      name: 'afl_open_event_streams',
      help: 'Status event streams (SSE) open on this API instance.',
      registers: [metrics.registry],
    });
  }

  track(res: Response): void {
    const gauge = this.gauge;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    let counted = false;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      const result = writeHead(...args);
      if (!counted && isEventStream(this, args)) {
        counted = true;
        gauge.inc();
        this.once('close', () => gauge.dec());
      }
      return result;
    } as Response['writeHead'];
  }
}

/** Apply to the event stream route. */
@Injectable()
export class OpenEventStreamsMiddleware implements NestMiddleware {
  constructor(private readonly streams: OpenEventStreams) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    this.streams.track(res);
    next();
  }
}

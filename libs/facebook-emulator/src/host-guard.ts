import { isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { errorShapeFor } from './error-shapes';

/** Names that always mean this machine: browsers never let a web page's DNS answer for them. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Listening "everywhere" is not a name anyone should address the emulator by. */
const WILDCARDS = new Set(['0.0.0.0', '[::]']);
/** `name` or `[v6]`, then an optional port: no user info, path or anything else. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

export interface LocalEndpoint {
  /** The port the request arrived on. */
  port: number;
  /** The address the request arrived at (the socket's local address). */
  address?: string;
  /** EMULATOR_HOST, when it is a name or an address rather than a wildcard. */
  listenHost?: string;
}

/** As it appears in a Host header: lower case, IPv6 in brackets, IPv4-mapped IPv6 as plain IPv4. */
function hostForm(host: string): string {
  const plain = host.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIPv6(plain) ? `[${plain}]` : plain;
}

/**
 * Whether a Host header names this emulator: localhost, 127.0.0.1, [::1],
 * the address it was reached at or its configured host, each with the port
 * it was reached on. Anything else is a page on another origin reaching it
 * through DNS rebinding (or a confused client), and is refused.
 */
export function hostAllowed(header: string | undefined, local: LocalEndpoint): boolean {
  const match = HOST_HEADER.exec(header ?? '');
  if (!match) return false;
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port !== local.port || (match[2] !== undefined && String(port) !== match[2])) return false;
  const name = hostForm(match[1]);
  if (WILDCARDS.has(name)) return false;
  if (LOOPBACK_NAMES.has(name)) return true;
  return [local.address, local.listenHost].some((own) => own !== undefined && hostForm(own) === name);
}

/** Express middleware: a foreign Host gets 421 Misdirected Request, in the shape of the provider whose path it asked for. */
export function emulatorHostGuard(listenHost?: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const local = { port: req.socket.localPort ?? 0, address: req.socket.localAddress, listenHost };
    if (hostAllowed(req.headers.host, local)) return next();
    // The header is the caller's text: it is not echoed back.
    const { status, body } = errorShapeFor(req.path).misdirected(
      'Misdirected request: this emulator answers only to its own host (localhost, 127.0.0.1, [::1] or the address it listens on) with its port.',
    );
    res.status(status).json(body);
  };
}

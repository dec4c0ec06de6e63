/** The token rule: loopback needs none; anywhere else the server needs TRUSTMAP_TOKEN and checks it. */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ConfigError, UnauthorizedError } from '../core/errors.js';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Throws when the server would listen off loopback without a token. */
export function assertSafeBinding(host: string, token: string | undefined): void {
  if (!isLoopback(host) && token === undefined) {
    throw new ConfigError(
      'TRUSTMAP_TOKEN',
      `is required to serve on ${host} (anything but loopback)`,
    );
  }
}

/**
 * Without a token the server is on loopback: it then answers only requests addressed to a
 * loopback name, so a web page that rebinds its own domain to 127.0.0.1 cannot use it.
 */
export function requireLocalHost(token: string | undefined): RequestHandler {
  return (request, _response, next) => {
    if (token !== undefined) {
      next();
      return;
    }
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!isLoopback(host)) {
      next(
        new UnauthorizedError(
          `requests must be addressed to a loopback name, not "${host.slice(0, 100)}"`,
        ),
      );
      return;
    }
    next();
  };
}

export function requireToken(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return (request, _response, next) => {
    // The health check answers without the token: container health checks carry none, and it
    // says nothing about the graph.
    if (expected === undefined || request.path === '/health') {
      next();
      return;
    }
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      next(new UnauthorizedError());
      return;
    }
    next();
  };
}

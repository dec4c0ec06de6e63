/** The token rule: loopback needs none; anywhere else the server needs TRUSTMAP_TOKEN and checks it. */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ConfigError, UnauthorizedError } from '../errors.js';

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

export function requireToken(token: string | undefined): RequestHandler {
  if (token === undefined)
    return (_request, _response, next) => {
      next();
    };
  const expected = Buffer.from(`Bearer ${token}`);
  return (request, _response, next) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      next(new UnauthorizedError());
      return;
    }
    next();
  };
}

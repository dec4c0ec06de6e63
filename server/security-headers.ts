/**
 * The security headers (helmet): a CSP that allows no inline script and nothing from elsewhere,
 * and helmet's other defaults. Two of them only make sense when people reach the explorer over
 * https, so they follow the configured public URL: `upgrade-insecure-requests` would make a page
 * served over plain http on a name that is not loopback (`--host 0.0.0.0` with a token) ask for
 * its own script over https and stay blank, and HSTS would pin that name to https.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Whether people open the explorer over https (TRUSTMAP_PUBLIC_URL), which turns on both. */
export function servedOverHttps(publicUrl: string | undefined): boolean {
  return publicUrl !== undefined && new URL(publicUrl).protocol === 'https:';
}

export function securityHeaders(publicUrl: string | undefined): RequestHandler {
  const https = servedOverHttps(publicUrl);
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // A directive without a value; null leaves out helmet's default.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    // helmet's default when on: max-age=31536000; includeSubDomains.
    strictTransportSecurity: https,
  });
}

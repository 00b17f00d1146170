// GET /portal/<access token>: the debtors' page of the customer portal, plain HTML with a script and a style sheet
// served from this origin (src/server/portal-assets, copied beside the compiled code by tools/build.js). The page
// is the same for every token: the script reads the token from the address and asks portalOpen, so the server
// neither looks the token up here nor tells a valid link from an invalid one.
import fs from 'node:fs';
import path from 'node:path';
import express, { type Response, type Router } from 'express';

export const PORTAL_PAGE_PATH = '/portal';
export const PORTAL_ASSETS_PATH = '/portal-assets';

const ASSETS_DIR = path.join(__dirname, 'portal-assets');
const ASSETS: Record<string, string> = { 'portal.js': 'application/javascript; charset=utf-8', 'portal.css': 'text/css; charset=utf-8' };

/**
 * Scripts, styles and requests from this origin only, no inline code, no framing, no form posts elsewhere. The
 * address holds the access token: no referrer leaves the page, and no cache keeps it.
 */
export const PORTAL_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(res: Response): void {
  res.setHeader('content-security-policy', PORTAL_PAGE_CSP);
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
}

export function portalPageRouter(): Router {
  const html = fs.readFileSync(path.join(ASSETS_DIR, 'portal.html'));
  // strict: /portal/<token>/ would resolve the page's relative asset addresses under the token.
  const router = express.Router({ strict: true });
  router.get('/:token', (_req, res) => {
    secureHeaders(res);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-robots-tag', 'noindex, nofollow');
    res.type('html').send(html);
  });
  return router;
}

export function portalAssetsRouter(): Router {
  const router = express.Router();
  for (const [name, contentType] of Object.entries(ASSETS)) {
    const body = fs.readFileSync(path.join(ASSETS_DIR, name));
    router.get(`/${name}`, (_req, res) => {
      secureHeaders(res);
      res.setHeader('cache-control', 'public, max-age=300');
      res.setHeader('content-type', contentType);
      res.send(body);
    });
  }
  return router;
}

/** The request log's path, with a portal page's access token left out: a log must never hold a working link. */
export function loggedPath(requestPath: string): string {
  // Express matches routes regardless of case: /PORTAL/<token> is the page too.
  return /^\/portal\//i.test(requestPath) ? `${PORTAL_PAGE_PATH}/[token]` : requestPath;
}

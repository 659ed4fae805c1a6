/**
 * Security headers of every HTML page the hub serves: the console (server/console.ts), the GraphQL IDE
 * (server/graphiql.ts) and the printable check record (credit/rest.ts). Pages carry names and decisions: never
 * cached (a shared or back-button copy outlives the session), never framed (click-jacking), and each runs
 * only the scripts its Content-Security-Policy names — an inline script only with the per-response nonce.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export function setHtmlSecurityHeaders(res: Response, csp: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** The directives every page that fetches from the hub shares: its own origin only, no plugins, no <base>, no framing. */
export const CSP_SAME_ORIGIN = [
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** A fresh CSP nonce for one response (128 random bits): a script injected into the page cannot know it. */
export const cspNonce = (): string => randomBytes(16).toString('base64');

import { ConsoleResponse } from './http-types';

// No script at all; styles only from our own stylesheet; forms only to ourselves; never framed.
const CONSOLE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers of every console page: they show tenant data and connect links, so no caching and no Referer. */
export function setPageHeaders(res: ConsoleResponse): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

export function sendPage(res: ConsoleResponse, status: number, page: string): void {
  setPageHeaders(res);
  res.status(status).send(page);
}

/**
 * Trusted documents (persisted operations): when HUB_TRUSTED_DOCUMENTS names a manifest, only the
 * operations it lists are executed. A client sends `documentId: "sha256:<hash>"` (or Apollo's
 * `extensions.persistedQuery.sha256Hash`), or the registered text itself; any other text is refused.
 * Manifest: `{ "<sha256 hex>": "query …" }`, or Apollo's persisted-query manifest
 * (`{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`). Every hash is checked
 * against its text on load.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function loadTrustedDocuments(file: string): Map<string, string> {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const entries: [string, string][] =
    json && typeof json === 'object' && Array.isArray((json as { operations?: unknown }).operations)
      ? (json as { operations: { id: string; body: string }[] }).operations.map((o) => [o.id, o.body])
      : Object.entries(json as Record<string, string>);
  const docs = new Map<string, string>();
  for (const [id, body] of entries) {
    const hash = id.replace(/^sha256:/, '').toLowerCase();
    if (typeof body !== 'string' || sha256(body) !== hash)
      throw new Error(`trusted documents ${file}: the hash ${id} does not match its operation's text`);
    docs.set(hash, body);
  }
  return docs;
}

function refuse(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The hash a request names, if any: documentId, or Apollo's persisted-query extension. */
function requestedHash(documentId: unknown, extensions: unknown): string | null {
  if (typeof documentId === 'string' && documentId) return documentId.replace(/^sha256:/, '').toLowerCase();
  const ext = typeof extensions === 'string' ? safeJson(extensions) : extensions;
  const h = (ext as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash;
  return typeof h === 'string' ? h.toLowerCase() : null;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** Express middleware for /graphql, after the JSON body parser. */
export function trustedDocumentsMiddleware(docs: ReadonlyMap<string, string>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const get = req.method === 'GET';
    const src = (get ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!src || typeof src !== 'object') {
      next();
      return;
    }
    const hash = requestedHash(src.documentId, src.extensions);
    let query: string | undefined;
    if (hash) {
      query = docs.get(hash);
      if (!query) return refuse(res, 400, 'PERSISTED_QUERY_NOT_FOUND', `trusted documents: no registered operation has the hash ${hash}`);
    } else if (typeof src.query === 'string') {
      if (!docs.has(sha256(src.query)))
        return refuse(
          res,
          400,
          'OPERATION_NOT_REGISTERED',
          'trusted documents mode: only registered operations are accepted (send documentId "sha256:<hash>")',
        );
      next();
      return;
    } else {
      next();
      return;
    }
    if (get) {
      const params = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
      params.delete('documentId');
      params.delete('extensions');
      params.set('query', query);
      req.url = `${req.path}?${params.toString()}`;
    } else {
      const body = req.body as Record<string, unknown>;
      delete body.documentId;
      if (body.extensions && typeof body.extensions === 'object') delete (body.extensions as Record<string, unknown>).persistedQuery;
      body.query = query;
    }
    next();
  };
}

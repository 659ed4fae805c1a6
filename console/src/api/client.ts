/**
 * The one way pages talk to the hub: GraphQL and REST over the session cookie, with the CSRF token on
 * every non-GET request. Every failure becomes an ApiError carrying a Chinese message (messageZh from the
 * server when it sent one, else a Chinese sentence for the code) and the field it concerns, so pages show
 * it next to that field; no raw JSON or stack trace ever reaches the screen.
 */
import { errorCodeZh } from '../labels';

export class ApiError extends Error {
  constructor(
    /** extensions.code / error.code, or NETWORK / HTTP_<status> */
    readonly code: string,
    /** Chinese sentence for a person */
    readonly messageZh: string,
    /** input field the error concerns (extensions.field), e.g. "creditCode" or "input.creditCode" */
    readonly field: string | null = null,
    readonly reason: string | null = null,
    readonly status = 0,
    readonly extensions: Record<string, unknown> = {},
    /** true when messageZh is the server's own sentence (not our fallback for the code) */
    readonly serverWorded = false,
  ) {
    super(messageZh);
  }

  /** True when the error concerns this field (`creditCode` matches `input.creditCode` too). */
  isFor(field: string): boolean {
    if (!this.field) return false;
    return (
      this.field === field ||
      this.field.endsWith(`.${field}`) ||
      this.field
        .split('.')
        .pop()
        ?.replace(/\[\d+\]$/, '') === field
    );
  }
}

let csrfToken: string | null = null;
/** Set by the session module after sign-in / session load. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Listener = (e: ApiError) => void;
const listeners = new Set<Listener>();
/** The app listens for UNAUTHENTICATED (→ sign-in) and FORBIDDEN (→ 无权访问). */
export function onApiError(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
function emit(e: ApiError): ApiError {
  for (const l of listeners) l(e);
  return e;
}

interface RawError {
  message?: string;
  code?: string;
  messageZh?: string;
  field?: string;
  reason?: string;
  extensions?: Record<string, unknown>;
}

function fromRaw(raw: RawError | undefined, status: number): ApiError {
  const ext = raw?.extensions ?? {};
  const code = String(ext.code ?? raw?.code ?? (status ? `HTTP_${status}` : 'NETWORK'));
  const given = (ext.messageZh as string | undefined) ?? raw?.messageZh;
  const zh = given ?? errorCodeZh(code, status);
  const field = (ext.field as string | undefined) ?? raw?.field ?? null;
  const reason = (ext.reason as string | undefined) ?? raw?.reason ?? null;
  return new ApiError(code, zh, field, reason, status, ext, !!given);
}

async function send(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('x-csrf-token', csrfToken);
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw emit(new ApiError('NETWORK', '无法连接到数据枢纽，请检查网络后重试。'));
  }
  let body: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. a proxy's HTML error page): never shown as is
      if (!res.ok) throw emit(new ApiError(`HTTP_${res.status}`, errorCodeZh(`HTTP_${res.status}`, res.status), null, null, res.status));
    }
  }
  return { status: res.status, body };
}

/** A GraphQL operation; the first error (if any) is thrown as an ApiError. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { status, body } = await send('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const b = body as { data?: T | null; errors?: RawError[] } | null;
  // a query refused as FORBIDDEN means the page is not for this role (→ 无权访问); a refused mutation is
  // shown by its form, next to the field (e.g. feedback on another office's check)
  const mutation = /^\s*mutation\b/.test(query);
  const fail = (e: ApiError) => (mutation && e.code === 'FORBIDDEN' ? e : emit(e));
  if (b?.errors?.length) throw fail(fromRaw(b.errors[0], status));
  if (status >= 400 || !b?.data) throw fail(fromRaw(undefined, status));
  return b.data;
}

/** A REST call answering JSON; `{ error: {...} }` answers are thrown as ApiError. */
export async function rest<T>(method: string, url: string, payload?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (payload !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(payload);
  }
  const { status, body } = await send(url, init);
  if (status >= 400) {
    const e = fromRaw((body as { error?: RawError } | null)?.error, status);
    throw method === 'GET' || e.code !== 'FORBIDDEN' ? emit(e) : e;
  }
  return body as T;
}

/** A REST call whose failure is expected and should not trigger the global handlers (e.g. GET /api/session). */
export async function restQuiet<T>(method: string, url: string): Promise<{ status: number; body: T | null }> {
  const { status, body } = await send(url, { method });
  return { status, body: status < 400 ? (body as T) : null };
}

export interface DownloadProgress {
  /** bytes received so far */
  bytes: number;
  /** line breaks received so far (CSV: rows, header included) */
  lines: number;
}

/**
 * A file download (GET, session cookie) read as a stream, so a long export shows how far it got. Answers
 * the whole body as a Blob; a JSON error answer is thrown as an ApiError (Chinese message), never shown raw.
 */
export async function download(
  url: string,
  onProgress: (p: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; filename: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw new ApiError('ABORTED', '下载已取消。');
    throw emit(new ApiError('NETWORK', '无法连接到数据枢纽，请检查网络后重试。'));
  }
  if (!res.ok) {
    let raw: RawError | undefined;
    try {
      raw = ((await res.json()) as { error?: RawError }).error;
    } catch {
      // not JSON: fall back to the status
    }
    const e = fromRaw(raw, res.status);
    throw e.code === 'UNAUTHENTICATED' ? emit(e) : e;
  }
  const chunks: BlobPart[] = [];
  const progress: DownloadProgress = { bytes: 0, lines: 0 };
  const reader = res.body?.getReader();
  if (reader) {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        step = (await reader.read()) as ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw new ApiError('ABORTED', '下载已取消。');
        throw new ApiError('NETWORK', '下载中断，请重试。');
      }
      if (step.done) break;
      const chunk = step.value;
      chunks.push(chunk);
      progress.bytes += chunk.byteLength;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) progress.lines++;
      onProgress({ ...progress });
    }
  } else {
    chunks.push(await res.arrayBuffer());
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="([^"]+)"/i.exec(disposition);
  const filename = star ? decodeURIComponent(star[1]!) : (plain?.[1] ?? null);
  return { blob: new Blob(chunks, { type: res.headers.get('content-type') ?? 'application/octet-stream' }), filename };
}

/**
 * A GraphQL query whose answer may be partial: data and every error (as ApiErrors with their `path`).
 * Used where some parts may fail on their own (a department's source down) while the rest still shows;
 * thrown only when there is no data at all.
 */
export async function graphqlPartial<T>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data: T; errors: (ApiError & { path: readonly (string | number)[] })[] }> {
  const { status, body } = await send('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const b = body as { data?: T | null; errors?: (RawError & { path?: (string | number)[] })[] } | null;
  const errors = (b?.errors ?? []).map((raw) => Object.assign(fromRaw(raw, status), { path: raw.path ?? [] }));
  if (!b?.data) throw emit(errors[0] ?? fromRaw(undefined, status));
  return { data: b.data, errors };
}

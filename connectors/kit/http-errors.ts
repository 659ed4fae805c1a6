/**
 * How a failed HTTP call to a department system becomes the hub's SourceError, the same for every
 * HTTP connector: a deadline on every call (with the caller's own signal), and axios' failures mapped
 * to TIMEOUT / BAD_RESPONSE / UNAVAILABLE. HTTP statuses and envelopes are judged by each connector.
 */
import { AxiosError } from 'axios';
import { SourceError } from '../types.js';

/** The signal of one call: aborted by the deadline (`timeout`) or by the caller, whichever comes first. */
export function deadline(ms: number, caller?: AbortSignal): { signal: AbortSignal; timeout: AbortSignal } {
  const timeout = AbortSignal.timeout(ms);
  return { signal: caller ? AbortSignal.any([caller, timeout]) : timeout, timeout };
}

/** A call's failure as the hub reports it; `timedOut` when the call's own deadline fired. */
export function toSourceError(source: string, err: unknown, o: { timedOut: boolean; what: string; timeoutMs: number }): SourceError {
  const { what } = o;
  if (o.timedOut || (err instanceof AxiosError && (err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED'))) {
    return new SourceError(source, 'TIMEOUT', `${what}: no answer within ${o.timeoutMs} ms`, err);
  }
  if (err instanceof AxiosError) {
    if (err.code === 'ERR_BAD_RESPONSE' && err.response) return new SourceError(source, 'BAD_RESPONSE', `${what}: ${err.message}`, err);
    return new SourceError(source, 'UNAVAILABLE', `${what}: ${err.code ?? ''} ${err.message}`.trim(), err);
  }
  return new SourceError(source, 'UNAVAILABLE', `${what}: ${err instanceof Error ? err.message : String(err)}`, err);
}

/**
 * Runs one request under `timeoutMs` and the caller's signal. The caller giving up rethrows as it is
 * (not a source failure); any other failure becomes a SourceError.
 */
export async function boundedCall<T>(
  source: string,
  what: string,
  timeoutMs: number,
  caller: AbortSignal | undefined,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { signal, timeout } = deadline(timeoutMs, caller);
  try {
    return await request(signal);
  } catch (err) {
    if (caller?.aborted) throw err;
    throw toSourceError(source, err, { timedOut: timeout.aborted, what, timeoutMs });
  }
}

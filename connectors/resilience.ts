/**
 * Outbound resilience for every department source, applied around any Connector (so a new source gets
 * it without code of its own), configured per source in its options (`options.resilience` in a CONNECTORS_CONFIG file):
 * a bulkhead (at most N calls at once), a circuit breaker that opens after consecutive failures and
 * half-opens to probe, retries with exponential backoff and decorrelated jitter — for reads only, all
 * of which are idempotent here — and an overall deadline per call. Built on cockatiel.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import type { Department, RecordKind } from '../src/domain/canonical.js';
import { SourceError, type ChangeBatch, type Connector, type HealthReport, type PiiFields, type SourceEnvelope } from './types.js';

export const resilienceOptionsSchema = z
  .object({
    /** attempts per read, the first included */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    initialDelayMs: z.number().int().min(1).default(100),
    maxDelayMs: z.number().int().min(1).default(2000),
    /** consecutive failures that open the breaker */
    breakerThreshold: z.number().int().min(1).default(5),
    /** how long the breaker stays open before a probe call is let through */
    halfOpenAfterMs: z.number().int().min(10).default(10_000),
    /** bulkhead: calls at once, and calls that may wait for a slot */
    maxConcurrent: z.number().int().min(1).default(8),
    maxQueued: z.number().int().min(0).default(64),
    // prefault, not default: an absent `resilience` is parsed as `{}`, so every field gets its own default
  })
  .prefault({});
export type ResilienceOptions = z.infer<typeof resilienceOptionsSchema>;

const tracer = trace.getTracer('safety-hub/connectors');

export type CallObserver = (call: string, seconds: number, outcome: string) => void;

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'ISOLATED';
const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'ISOLATED',
};

export interface ResilienceState {
  breaker: BreakerState;
  /** calls running / waiting in the bulkhead */
  active: number;
  queued: number;
}

/** A source's refusal is final (bad credentials); retrying or counting it against the breaker helps nobody. */
const transient = (err: Error): boolean =>
  !(err instanceof SourceError && err.reason === 'REFUSED') && !(err instanceof DOMException && err.name === 'AbortError');

export class ResilientConnector implements Connector {
  readonly id: string;
  readonly department: Department;
  readonly provides: readonly RecordKind[];
  readonly enterprisesFirst?: boolean;
  readonly piiFields?: PiiFields;
  private readonly breaker;
  private readonly bulkhead;
  private readonly policy: IPolicy<{ signal: AbortSignal }>;
  private readonly listeners = new Set<(s: BreakerState) => void>();
  private readonly callObservers = new Set<CallObserver>();

  constructor(
    readonly inner: Connector,
    readonly options: ResilienceOptions,
    timeoutMs: number,
  ) {
    this.id = inner.id;
    this.department = inner.department;
    this.provides = inner.provides;
    this.enterprisesFirst = inner.enterprisesFirst;
    this.piiFields = inner.piiFields;
    this.bulkhead = bulkhead(options.maxConcurrent, options.maxQueued);
    this.breaker = circuitBreaker(handleWhen(transient), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((s) => this.listeners.forEach((l) => l(STATE_NAMES[s])));
    const retries = retry(handleWhen(transient), {
      maxAttempts: options.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
    });
    // the deadline covers every attempt of one call, so a caller never waits much past the source's timeout
    const deadline = timeout(timeoutMs * options.maxAttempts + options.maxDelayMs, TimeoutStrategy.Aggressive);
    this.policy = wrap(this.bulkhead, deadline, this.breaker, retries) as unknown as IPolicy<{ signal: AbortSignal }>;
  }

  state(): ResilienceState {
    return { breaker: STATE_NAMES[this.breaker.state], active: this.bulkhead.executionSlots, queued: this.bulkhead.queueSlots };
  }

  onBreakerChange(listener: (s: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after every outbound call (all attempts together) with its duration and outcome: metrics, tracing. */
  observeCalls(observer: CallObserver): () => void {
    this.callObservers.add(observer);
    return () => this.callObservers.delete(observer);
  }

  private async run<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
    const t0 = performance.now();
    let outcome = 'ok';
    try {
      return await tracer.startActiveSpan(
        `source ${this.id} ${what}`,
        { attributes: { 'hub.source': this.id, 'hub.call': what } },
        async (span) => {
          try {
            return await this.policy.execute(({ signal }) => fn(outer ? AbortSignal.any([outer, signal]) : signal), outer);
          } catch (err) {
            span.recordException(err as Error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      );
    } catch (err) {
      outcome =
        err instanceof SourceError
          ? err.reason
          : err instanceof BrokenCircuitError
            ? 'CIRCUIT_OPEN'
            : err instanceof BulkheadRejectedError
              ? 'BULKHEAD'
              : err instanceof TaskCancelledError
                ? 'TIMEOUT'
                : 'ERROR';
      if (err instanceof BrokenCircuitError)
        throw new SourceError(
          this.id,
          'UNAVAILABLE',
          `${what}: circuit open after repeated failures; next probe within ${this.options.halfOpenAfterMs} ms`,
          err,
        );
      if (err instanceof BulkheadRejectedError)
        throw new SourceError(
          this.id,
          'UNAVAILABLE',
          `${what}: too many calls in flight (bulkhead ${this.options.maxConcurrent}+${this.options.maxQueued})`,
          err,
        );
      if (err instanceof TaskCancelledError && !outer?.aborted)
        throw new SourceError(this.id, 'TIMEOUT', `${what}: no answer within the call's deadline`, err);
      throw err;
    } finally {
      const seconds = (performance.now() - t0) / 1000;
      for (const o of this.callObservers) o(what, seconds, outcome);
    }
  }

  fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]> {
    return this.run('fetchByKeys', (signal) => this.inner.fetchByKeys(creditCodes, { signal }), opts?.signal);
  }

  /**
   * Pages are pulled through the policy one at a time. A failed page is retried by restarting the
   * stream from the last watermark handed out: the consumer asks for the next page only after it has
   * committed the previous one, so nothing is skipped or repeated.
   */
  async *changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch> {
    let from = watermark;
    let it: AsyncIterator<ChangeBatch> | null = null;
    try {
      for (;;) {
        const batch = await this.run(
          'changesSince',
          async () => {
            // the stream outlives this attempt, whose signal is aborted when it returns: it gets only the caller's
            if (!it) it = this.inner.changesSince(from, opts)[Symbol.asyncIterator]();
            try {
              return await it.next();
            } catch (err) {
              it = null; // a generator that threw is finished: the retry starts a new one from `from`
              throw err;
            }
          },
          opts?.signal,
        );
        if (batch.done) return;
        from = batch.value.watermark;
        yield batch.value;
      }
    } finally {
      // not awaited: a generator stuck on a hung source would never finish returning
      void (it as AsyncIterator<ChangeBatch> | null)?.return?.()?.catch(() => undefined);
    }
  }

  health(): Promise<HealthReport> {
    // health must tell the truth about the source, not retry it into looking well
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The connector wrapped with the policies its options ask for (defaults when none). */
export function withResilience(connector: Connector, options: Record<string, unknown>): ResilientConnector {
  const parsed = resilienceOptionsSchema.safeParse(options.resilience);
  if (!parsed.success)
    throw new Error(
      `${connector.id}: options.resilience: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return new ResilientConnector(connector, parsed.data, typeof options.timeoutMs === 'number' ? options.timeoutMs : 5000);
}

export const resilienceOf = (c: Connector): ResilienceState | null => (c instanceof ResilientConnector ? c.state() : null);

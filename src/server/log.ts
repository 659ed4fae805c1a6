/** Structured JSON logs (pino). Personal identifiers never reach them: callers log keys, not ID numbers. */
import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'hub'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.idNumber', '*.phone', 'idNumber', 'phone', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

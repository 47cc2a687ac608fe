/** Structured logs (pino, JSON lines on stderr so stdout stays for what a person reads). */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.GMS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything (unit tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

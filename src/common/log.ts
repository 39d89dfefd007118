// One log format for the whole process: JSON lines with the same keys whatever writes them
// (bootstrap, Nest, Fastify and its request lines, Prisma, Node's own warnings):
//   level (fatal|error|warn|info|debug), time (ISO 8601), pid, context (who wrote it),
//   message, then the line's own fields; request lines carry reqId.
// pino writes every line; Nest's loggers and Node's warnings are routed to it.
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';

export function logOptions(level: LogLevelName): LoggerOptions {
  return {
    level,
    messageKey: 'message',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** A logger writing the format above to `stream`. */
export function createLogger(level: LogLevelName, stream: DestinationStream): Logger {
  return pino(logOptions(level), stream);
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

/**
 * Nest's logger interface over a pino logger: Nest passes the context as the last argument (and
 * error() may pass a stack before it); a message that is an object gives its fields to the line.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const args = [...rest];
    const context = args.length > 0 && typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (level === 'error' && typeof args[0] === 'string') fields.stack = args[0];
    if (message instanceof Error) {
      this.logger[level](
        { ...fields, err: { name: message.name, message: message.message, stack: message.stack } },
        message.message,
      );
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/**
 * Node's process warnings (deprecations, a library's notices) as log lines instead of the plain
 * text Node prints to stderr by default. For the process that serves (main.ts), not for tests.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    logger.warn({ context: 'process', warning: warning.name, code: warning.code }, warning.message);
  });
}

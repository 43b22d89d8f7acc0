/**
 * The hosts' log: the library's Logger on the console, `[lading]`-prefixed,
 * debug left out. Each host says where each level goes (the web bridge keeps
 * stdout for the URL it prints).
 */
import type { Logger } from '../registry/index';

type Write = (message: string, fields: unknown) => void;

export function consoleLogger(write: { info: Write; warn: Write; error: Write }): Logger {
  return {
    debug: () => {},
    info: (message, fields) => write.info(`[lading] ${message}`, fields ?? ''),
    warn: (message, fields) => write.warn(`[lading] ${message}`, fields ?? ''),
    error: (message, fields) => write.error(`[lading] ${message}`, fields ?? ''),
  };
}

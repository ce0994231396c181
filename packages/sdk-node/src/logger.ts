/** Where the SDK reports what it cannot throw: connection trouble, refused reports, listener errors. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Warnings and errors to the console, prefixed; debug and info are dropped. */
export const consoleLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => console.warn(`[ensign] ${message}`),
  error: (message) => console.error(`[ensign] ${message}`),
};

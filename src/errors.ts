/**
 * The one error type that crosses module boundaries. The CLI maps `code` to an
 * exit status, so a caller never has to parse a message to decide what happened.
 */
export type LabErrorCode =
  | 'BAD_INPUT' // a flag, value or name the user gave is wrong: exit 2
  | 'NO_LAB' // a command needs a running lab and there is none
  | 'NO_RUNS' // report asked for and no run exists
  | 'MISSING_TOOL' // java, mvn, go, ... not on PATH
  | 'NOT_INSTALLED' // a component's files are not in the cache
  | 'PORT_IN_USE' // a port the lab needs is held by another process
  | 'COMPONENT_FAILED' // a component did not start or become ready
  | 'TIMEOUT' // a wait ran out
  | 'UNAVAILABLE' // a dependency (database, broker) does not answer
  | 'INTERRUPTED' // the user pressed Ctrl-C; what this command started was stopped
  | 'BUSY' // another authlab command is changing the same lab
  | 'INTERNAL';

const EXIT_CODES: Record<LabErrorCode, number> = {
  BAD_INPUT: 2,
  NO_LAB: 1,
  NO_RUNS: 1,
  MISSING_TOOL: 1,
  NOT_INSTALLED: 1,
  PORT_IN_USE: 1,
  COMPONENT_FAILED: 1,
  TIMEOUT: 1,
  UNAVAILABLE: 1,
  INTERRUPTED: 130,
  BUSY: 1,
  INTERNAL: 1,
};

export interface LabErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** Extra lines shown under the one-line reason, e.g. the tail of a log. */
  details?: string;
}

export class LabError extends Error {
  readonly code: LabErrorCode;
  readonly retriable: boolean;
  readonly details?: string;

  constructor(code: LabErrorCode, message: string, options: LabErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export function badInput(message: string): LabError {
  return new LabError('BAD_INPUT', message);
}

export function isLabError(error: unknown): error is LabError {
  return error instanceof LabError;
}

/** A one-line description of any thrown value, for logs and causes. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

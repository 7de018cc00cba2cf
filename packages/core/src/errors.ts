// Typed domain errors. Each carries the tRPC code API.md assigns to it; the API maps code -> TRPCError.

export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Machine-readable facts for the client (e.g. expected and actual version). */
    readonly details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`, { what, id });
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class VersionConflict extends DomainError {
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super('CONFLICT', `expected version ${expectedVersion} but the tweet is at version ${actualVersion}`, {
      expectedVersion,
      actualVersion,
    });
  }
}

export class UsernameTaken extends DomainError {
  constructor(username: string) {
    super('CONFLICT', `username ${username} is taken`, { username });
  }
}

/** Edit window closed, no edits left, or the tweet is in the wrong state for the action. */
export class PreconditionFailed extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('PRECONDITION_FAILED', message, details);
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BAD_REQUEST', message, details);
  }
}

/** The store cannot make writes durable (disk full, read-only, failed fsync). Reads go on. */
export class StorageUnavailable extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('SERVICE_UNAVAILABLE', message, undefined, options);
  }
}

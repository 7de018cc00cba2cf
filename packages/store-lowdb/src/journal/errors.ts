// Typed journal errors; callers branch on `code`, never on message text.
export type JournalErrorCode = 'SEQUENCE' | 'CLOSED' | 'TOO_LARGE' | 'FAILED' | 'CORRUPT';

export class JournalError extends Error {
  override readonly name: string = 'JournalError';
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A record on disk failed validation where a torn tail cannot explain it; nothing was dropped. */
export class JournalCorruptError extends JournalError {
  override readonly name = 'JournalCorruptError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super('CORRUPT', `journal corrupt: ${file} at offset ${offset}: ${reason}`);
  }
}

/** A segment whose name does not continue the records of the one before it. */
export function seqGapError(path: string, firstSeq: number, expected: number): JournalCorruptError {
  return new JournalCorruptError(path, 0, `seq gap: segment starts at seq ${firstSeq}, expected ${expected}`);
}

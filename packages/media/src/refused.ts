// Why an upload is refused. The API maps `too_large` to PAYLOAD_TOO_LARGE and the rest to BAD_REQUEST.
export type RefusalReason = 'unsupported_type' | 'corrupt' | 'too_large' | 'empty';

export class MediaRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'MediaRefused';
  }
}

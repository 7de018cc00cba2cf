// Random hostile input for every procedure (fast-check), shared by the fuzz tests and `npm run hostile`: field names
// the procedures read (so values reach past the first layer of validation), prototype keys, every Unicode edge the
// length rules meet, and superjson envelopes with annotations no input may carry.
import fc from 'fast-check';

export const FIELDS = ['content', 'id', 'ids', 'cursor', 'limit', 'authorId', 'replyToId', 'includeArchived', 'expectedVersion', 'from', 'to', 'toVersion', 'action', 'draft', 'idempotencyKey', 'mediaIds', 'lastEventId', 'username', 'password', 'displayName', 'alt', '__proto__', 'constructor'];

export const unicodeEdge = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('\u0000', '\uD800', '\uFEFF', '\u200B', '\u2800', '\u3164', '\u202E', '👨‍👩‍👧‍👦'.repeat(50), '字'.repeat(141), '😀'.repeat(140), 'a.'.repeat(5_000), '#'.repeat(5_000), 'https://x.co/'.repeat(700), '01JZZZZZZZZZZZZZZZZZZZZZZZ'),
);

export const inputValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(unicodeEdge, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(unicodeEdge, { maxLength: 5 })), { maxKeys: 6 }),
);

/** What a client puts in `input`: superjson's envelope (sometimes with annotations), or anything at all. */
export const envelope = fc.oneof(
  inputValue.map((json) => ({ json })),
  fc.tuple(inputValue, fc.constantFrom(...FIELDS), fc.constantFrom('bigint', 'regexp', 'map', 'set', 'Date', 'undefined', 'Error', 'number', 'class')).map(([json, field, type]) => ({ json, meta: { values: { [field]: [type] }, v: 1 } })),
  inputValue,
);

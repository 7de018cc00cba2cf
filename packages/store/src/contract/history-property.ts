// Property: any sequence of edits and reverts, run through the store, leaves a history whose every version rebuilds
// exactly to what the sequence produced, also after reopening the store.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentHash, parseContent, type VersionKind } from '@tweetstore/core';
import type { ContractContext } from './context.ts';

type Op = { kind: 'edit'; raw: string } | { kind: 'revert'; pick: number };
interface Expected {
  id: string;
  authorId: string;
  versions: { content: string; kind: VersionKind }[];
}

// Letters, combining marks (NFC changes them), emoji sequences, astral characters and line breaks.
const piece = fc.constantFrom('a', 'b', 'ab', ' ', 'é', 'e\u0301', '😀', '👩‍👩‍👧', '𝒳', '#tag', '\n', 'long words here ');
const content = fc
  .array(piece, { minLength: 1, maxLength: 12 })
  .map((pieces) => pieces.join(''))
  .filter((raw) => {
    const parsed = parseContent(raw);
    return parsed.valid && parsed.content.trim() !== '';
  });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: content.map((raw) => ({ kind: 'edit' as const, raw })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'revert' as const, pick })) },
);

export function historyPropertyContract(ctx: ContractContext): void {
  describe('version history (property)', () => {
    it('rebuilds every version of random edit/revert sequences, also after reopen', { timeout: 120_000 }, async () => {
      const author = await ctx.user();
      const histories: Expected[] = [];
      await fc.assert(
        fc.asyncProperty(content, fc.array(op, { maxLength: 30 }), async (first, ops) => {
          // Drafts: edits are unlimited, so any sequence is allowed by the policy.
          const t = await ctx.post(author.id, first, { draft: true });
          const expected: Expected = { id: t.id, authorId: author.id, versions: [{ content: parseContent(first).content, kind: 'created' }] };
          for (const o of ops) {
            const current = expected.versions.at(-1)!.content;
            if (o.kind === 'edit') {
              const next = parseContent(o.raw).content;
              const tweet = await ctx.store.editTweet({ id: t.id, actorId: author.id, text: parseContent(o.raw) });
              if (next !== current) expected.versions.push({ content: next, kind: 'edited' });
              expect(tweet).toMatchObject({ version: expected.versions.length, content: next });
            } else {
              const toVersion = (o.pick % expected.versions.length) + 1;
              const target = expected.versions[toVersion - 1]!.content;
              const tweet = await ctx.store.revertTweet({ id: t.id, actorId: author.id, toVersion });
              if (target !== current) expected.versions.push({ content: target, kind: 'reverted' });
              expect(tweet).toMatchObject({ version: expected.versions.length, content: target, contentHash: contentHash(target) });
            }
          }
          await expectHistory(ctx, expected);
          histories.push(expected);
        }),
        { numRuns: 40 },
      );
      await ctx.reopen();
      for (const expected of histories) await expectHistory(ctx, expected);
    });
  });
}

async function expectHistory(ctx: ContractContext, expected: Expected): Promise<void> {
  const versions = await ctx.store.listVersions(expected.id, expected.authorId);
  expect(versions.map((v) => ({ version: v.version, content: v.content, contentHash: v.contentHash, kind: v.kind }))).toEqual(
    expected.versions.map((v, i) => ({ version: i + 1, content: v.content, contentHash: contentHash(v.content), kind: v.kind })),
  );
}

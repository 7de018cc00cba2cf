// Users and sessions.
import { describe, expect, it } from 'vitest';
import { isId, NotFound, UsernameTaken } from '@tweetstore/core';
import { UNKNOWN_ID, type ContractContext } from './context.ts';

export function usersContract(ctx: ContractContext): void {
  describe('users', () => {
    it('registers a user with a time-ordered id and the clock time', async () => {
      const user = await ctx.store.registerUser({ username: 'Alice_1', displayName: 'Alice', passwordHash: 'h1' });
      expect(isId(user.id)).toBe(true);
      expect(user).toEqual({ id: user.id, username: 'Alice_1', displayName: 'Alice', createdAt: new Date(ctx.clock.now()) });
      expect(await ctx.store.getUser(user.id)).toEqual(user);
      const other = await ctx.user();
      expect(other.id > user.id).toBe(true);
    });

    it('returns null for an unknown user id', async () => {
      await ctx.user();
      expect(await ctx.store.getUser(UNKNOWN_ID)).toBeNull();
    });

    it('rejects a username taken in any letter case with UsernameTaken', async () => {
      await ctx.store.registerUser({ username: 'Bob', displayName: 'Bob', passwordHash: 'h' });
      for (const username of ['Bob', 'bob', 'BOB']) {
        const attempt = ctx.store.registerUser({ username, displayName: 'x', passwordHash: 'h' });
        await expect(attempt).rejects.toBeInstanceOf(UsernameTaken);
        await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
      }
      expect((await ctx.store.stats()).users).toBe(1);
    });

    it('lets exactly one of two concurrent registrations of a name win', async () => {
      const results = await Promise.allSettled([
        ctx.store.registerUser({ username: 'carol', displayName: 'a', passwordHash: 'h' }),
        ctx.store.registerUser({ username: 'CAROL', displayName: 'b', passwordHash: 'h' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(UsernameTaken);
    });

    it('finds credentials case-insensitively', async () => {
      const user = await ctx.store.registerUser({ username: 'Dana', displayName: 'Dana', passwordHash: 'scrypt$abc' });
      expect(await ctx.store.findCredentials('dANA')).toEqual({ user, passwordHash: 'scrypt$abc' });
      expect(await ctx.store.findCredentials('dan')).toBeNull();
    });
  });

  describe('sessions', () => {
    it('opens, finds and closes a session', async () => {
      const user = await ctx.user();
      const expiresAt = new Date(ctx.clock.now() + 60_000);
      await ctx.store.openSession('token-hash-1', { userId: user.id, expiresAt });
      expect(await ctx.store.findSession('token-hash-1')).toEqual({ userId: user.id, expiresAt });
      expect(await ctx.store.findSession('token-hash-2')).toBeNull();
      await ctx.store.closeSession('token-hash-1');
      expect(await ctx.store.findSession('token-hash-1')).toBeNull();
    });

    it('stops finding a session once the clock reaches its expiry', async () => {
      const user = await ctx.user();
      await ctx.store.openSession('t', { userId: user.id, expiresAt: new Date(ctx.clock.now() + 1000) });
      ctx.clock.advance(999);
      expect(await ctx.store.findSession('t')).not.toBeNull();
      ctx.clock.advance(1);
      expect(await ctx.store.findSession('t')).toBeNull();
    });

    it('closing an unknown session is harmless and appends no event', async () => {
      await ctx.user();
      const head = await ctx.store.events.head();
      await expect(ctx.store.closeSession('nope')).resolves.toBeUndefined();
      expect(await ctx.store.events.head()).toBe(head);
    });

    it('refuses a session for an unknown user', async () => {
      const session = { userId: UNKNOWN_ID, expiresAt: new Date(ctx.clock.now() + 1000) };
      await expect(ctx.store.openSession('t', session)).rejects.toBeInstanceOf(NotFound);
    });
  });
}

import { trpc, type User } from './trpc.ts';

/** The signed-in user (null when signed out; undefined while loading). */
export function useSession(): { user: User | null | undefined; loading: boolean } {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
  return { user: me.data, loading: me.isPending };
}

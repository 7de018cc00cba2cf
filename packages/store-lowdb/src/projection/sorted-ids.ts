// Ids kept in ascending order. Ids are ULIDs, so ascending = oldest first and pages are cut by binary search.

export class SortedIds {
  readonly #ids: string[] = [];

  get size(): number {
    return this.#ids.length;
  }

  /** New ids are nearly always the largest, so insertion is usually an append; false when it was not (O(n)). */
  insert(id: string): boolean {
    const ids = this.#ids;
    const last = ids.at(-1);
    if (last === undefined || last < id) {
      ids.push(id);
      return true;
    }
    const at = this.lowerBound(id);
    if (ids[at] !== id) ids.splice(at, 0, id);
    return false;
  }

  remove(id: string): void {
    const at = this.lowerBound(id);
    if (this.#ids[at] === id) this.#ids.splice(at, 1);
  }

  /** Index of the first id >= `id`. */
  lowerBound(id: string): number {
    const ids = this.#ids;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(index: number): string | undefined {
    return this.#ids[index];
  }
}

/**
 * Up to `limit` ids from the union of `lists`, newest first, all strictly smaller than `beforeId` (every id when
 * undefined). O(k·log n + k·limit) for k lists; the lists are disjoint.
 */
export function newestBefore(lists: readonly SortedIds[], beforeId: string | undefined, limit: number): string[] {
  const cursors = lists.map((list) => (beforeId === undefined ? list.size : list.lowerBound(beforeId)) - 1);
  const out: string[] = [];
  while (out.length < limit) {
    let best = -1;
    let bestId: string | undefined;
    for (const [i, list] of lists.entries()) {
      const id = list.at(cursors[i]!);
      if (id !== undefined && (bestId === undefined || id > bestId)) {
        best = i;
        bestId = id;
      }
    }
    if (bestId === undefined) break;
    out.push(bestId);
    cursors[best]!--;
  }
  return out;
}

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
  return merged(lists, (list) => (beforeId === undefined ? list.size : list.lowerBound(beforeId)) - 1, -1, limit);
}

/** As newestBefore, oldest first: all strictly greater than `afterId` (every id when undefined). */
export function oldestAfter(lists: readonly SortedIds[], afterId: string | undefined, limit: number): string[] {
  return merged(
    lists,
    (list) => {
      if (afterId === undefined) return 0;
      const at = list.lowerBound(afterId);
      return list.at(at) === afterId ? at + 1 : at;
    },
    1,
    limit,
  );
}

/** Up to `limit` ids merged from the lists, each read from `start` on one `step` at a time. */
function merged(lists: readonly SortedIds[], start: (list: SortedIds) => number, step: 1 | -1, limit: number): string[] {
  const cursors = lists.map(start);
  const out: string[] = [];
  while (out.length < limit) {
    let best = -1;
    let bestId: string | undefined;
    for (const [i, list] of lists.entries()) {
      const id = list.at(cursors[i]!);
      if (id !== undefined && (bestId === undefined || (step > 0 ? id < bestId : id > bestId))) {
        best = i;
        bestId = id;
      }
    }
    if (bestId === undefined) break;
    out.push(bestId);
    cursors[best]! += step;
  }
  return out;
}

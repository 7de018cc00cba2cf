import { checkContent, MAX_WEIGHTED_LENGTH } from '@tweetstore/core';
import { useMemo } from 'react';

export interface WeightedLength {
  length: number;
  max: number;
  /** False when counting stopped once the text was surely over the limit: then it weighs at least `length`. */
  exact: boolean;
}

export interface ContentCheckState {
  weighed: WeightedLength;
  /** The server would take the text. */
  ok: boolean;
  /** Why it would not, in the server's words, when the counter does not already say it (too long) and the text is
   * not simply empty or spaces (the disabled button says that). */
  problem: string | null;
}

/** `text` checked by the rules the server checks it with (core's checkContent), at the same bounded cost. */
export function useContentCheck(text: string): ContentCheckState {
  return useMemo(() => {
    const { parsed, problem, weighed } = checkContent(text);
    const quiet = problem === null || problem.rule === 'length' || problem.rule === 'empty' || (problem.rule === 'blank' && text.trim() === '');
    return {
      weighed: { length: weighed?.weightedLength ?? 0, max: MAX_WEIGHTED_LENGTH, exact: weighed?.exact ?? true },
      ok: parsed !== null,
      problem: quiet ? null : problem.message,
    };
  }, [text]);
}

export function isOverLimit(weighed: WeightedLength): boolean {
  return weighed.length > weighed.max;
}

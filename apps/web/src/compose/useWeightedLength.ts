import { MAX_WEIGHTED_LENGTH, weightedLength } from '@tweetstore/core';
import { useMemo } from 'react';

export interface WeightedLength {
  length: number;
  max: number;
}

/** Weighted length of `text` by the same function the server validates with. */
export function useWeightedLength(text: string): WeightedLength {
  return useMemo(() => ({ length: weightedLength(text), max: MAX_WEIGHTED_LENGTH }), [text]);
}

export function isOverLimit(weighed: WeightedLength): boolean {
  return weighed.length > weighed.max;
}

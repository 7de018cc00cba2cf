import type { WeightedLength } from './useContentCheck.ts';
import './compose.css';

const RADIUS = 10;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;
/** Below this many characters left the number shows and screen readers hear changes. */
const NEAR_LIMIT = 20;

export function counterText(weighed: WeightedLength): string {
  const left = weighed.max - weighed.length;
  const plural = (n: number) => (n === 1 ? 'character' : 'characters');
  if (left >= 0) return `${left} ${plural(left)} left`;
  return `${weighed.exact ? '' : 'at least '}${-left} ${plural(-left)} over the limit`;
}

/** A ring that fills as the text grows, the number left near the limit, and the count in words for assistive
 * technology. Announced politely only near or over the limit, so typing is not narrated keystroke by keystroke. */
export function CharacterCounter({ weighed, id }: { weighed: WeightedLength; id?: string }) {
  const left = weighed.max - weighed.length;
  const state = left < 0 ? 'over' : left <= NEAR_LIMIT ? 'near' : 'ok';
  const filled = Math.min(weighed.length / weighed.max, 1);
  return (
    <div className="counter" data-state={state}>
      <svg className="counter-ring" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
        <circle className="counter-track" cx="12" cy="12" r={RADIUS} />
        <circle
          className="counter-fill"
          cx="12"
          cy="12"
          r={RADIUS}
          strokeDasharray={CIRCUMFERENCE}
          strokeDashoffset={CIRCUMFERENCE * (1 - filled)}
          transform="rotate(-90 12 12)"
        />
      </svg>
      <span className="counter-number" aria-hidden="true">
        {left <= NEAR_LIMIT ? left : ''}
      </span>
      <span id={id} className="visually-hidden" role="status" aria-live={state === 'near' || state === 'over' ? 'polite' : 'off'}>
        {counterText(weighed)}
      </span>
    </div>
  );
}

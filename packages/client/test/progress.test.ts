// Long commands' progress when stderr is a log or a pipe: a line every so often while a step runs, and one per phase.
import { describe, expect, it } from 'vitest';
import { phaseProgress } from '../src/progress.ts';

function fakeStream() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (text: string) => (lines.push(text), true) } as unknown as NodeJS.WriteStream };
}

describe('phase progress without a terminal', () => {
  it('writes done/total, rate and ETA while a step runs, and a summary when its phase ends', () => {
    const { lines, stream } = fakeStream();
    const bars = phaseProgress(stream, 0);
    bars.update('verify', 'tweet', 250, 1000);
    bars.update('verify', 'tweet', 500, 1000);
    bars.update('verify', 'tweet', 1000, 1000); // done: no progress line, the summary says it
    bars.stop();
    expect(lines.slice(0, 2)).toEqual([expect.stringMatching(/^verify: tweet 250\/1000 \(25%\) · \d+\/s( · ETA \d+ s)?\n$/), expect.stringMatching(/^verify: tweet 500\/1000 \(50%\)/)]);
    expect(lines[2]).toMatch(/^verify: tweet 1000\/1000 in \d+\.\d s\n$/);
    expect(lines).toHaveLength(3);
  });

  it('writes no more than a line per interval', () => {
    const { lines, stream } = fakeStream();
    const bars = phaseProgress(stream, 60_000);
    for (let done = 1; done < 100; done++) bars.update('import', 'tweet', done, 100);
    bars.stop();
    expect(lines).toEqual([expect.stringMatching(/^import: tweet 99\/100 in /)]);
  });
});

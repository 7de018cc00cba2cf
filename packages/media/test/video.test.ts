// Video containers on real recordings (Chromium's MediaRecorder): whole files pass with their size, a cut or
// damaged one is refused, and a sniffed type that is not video never reaches the check.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkVideo, MediaRefused, sniff } from '../src/index.ts';
import { recordVideos, type Recorded } from './video-fixtures.ts';

let videos: Recorded;
beforeAll(async () => {
  videos = await recordVideos();
}, 60_000);

function refusal(run: () => unknown): MediaRefused {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MediaRefused);
    return error as MediaRefused;
  }
  throw new Error('not refused');
}

describe.each(['mp4', 'webm'] as const)('%s', (format) => {
  const mime = `video/${format}`;

  it('is sniffed as video and passes whole, with its frame size', async () => {
    expect(await sniff(videos[format])).toEqual({ kind: 'video', mime });
    expect(checkVideo(videos[format], mime)).toEqual({ width: 160, height: 120 });
  });

  it('is refused when cut short', () => {
    const bytes = videos[format];
    for (const keep of [0.9, 0.5, 0.1]) {
      expect(refusal(() => checkVideo(bytes.subarray(0, Math.floor(bytes.length * keep)), mime)).reason, `${keep} kept`).toBe('corrupt');
    }
  });

  it('is refused with garbage in its structure', () => {
    const damaged = Buffer.from(videos[format]);
    // the header's sizes (the first box or element) overwritten
    damaged.fill(0xff, 0, 8);
    expect(() => checkVideo(damaged, mime)).toThrow(MediaRefused);
    const tail = Buffer.concat([videos[format], Buffer.from('trailing junk after the file')]);
    expect(refusal(() => checkVideo(tail, mime)).reason).toBe('corrupt');
  });
});

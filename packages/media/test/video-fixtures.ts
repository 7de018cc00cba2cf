// Real, playable video made by the tests: headless Chromium draws a moving square on a canvas and records it with
// MediaRecorder, as WebM (VP8) and MP4 (H.264). Recorded once per test file.
import { launchChromium } from '../../../scripts/chromium.ts';

export interface Recorded {
  webm: Buffer;
  mp4: Buffer;
}

export async function recordVideos(width = 160, height = 120, ms = 600): Promise<Recorded> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // the browser's side as source text: this program is type-checked without the DOM's types
    const record = async (mimeType: string): Promise<Buffer> => {
      const bytes = await page.evaluate<number[]>(`(async () => {
        const [mimeType, width, height, ms] = ${JSON.stringify([mimeType, width, height, ms])};
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const g = canvas.getContext('2d');
        const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType, videoBitsPerSecond: 200000 });
        const chunks = [];
        recorder.ondataavailable = (e) => chunks.push(e.data);
        const stopped = new Promise((resolve) => (recorder.onstop = resolve));
        recorder.start();
        const start = performance.now();
        while (performance.now() - start < ms) {
          const t = (performance.now() - start) / ms;
          g.fillStyle = '#123';
          g.fillRect(0, 0, width, height);
          g.fillStyle = '#e44';
          g.fillRect(t * (width - 20), height / 3, 20, 20);
          await new Promise((r) => requestAnimationFrame(r));
        }
        recorder.stop();
        await stopped;
        return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
      })()`);
      return Buffer.from(bytes);
    };
    return { webm: await record('video/webm;codecs=vp8'), mp4: await record('video/mp4;codecs=avc1') };
  } finally {
    await browser.close();
  }
}

// Real image files, made by sharp for each test run (no binary fixtures in the repository).
import sharp from 'sharp';

const red = { r: 200, g: 20, b: 20 };

/** A 64×32 photo that says it was taken at 48°51'24"N 2°17'40"E, and must be shown turned 90° clockwise. */
export function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: red } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'TestCam', Model: 'Pocket 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4000/100' },
    })
    .toBuffer();
}

export function png(width = 300, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 0.5 } } }).png().toBuffer();
}

export function webp(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 40, channels: 3, background: red } }).webp().toBuffer();
}

/** A 3-frame animated GIF, 24×16 a frame. */
export function animatedGif(): Promise<Buffer> {
  const frames = [red, { r: 20, g: 200, b: 20 }, { r: 20, g: 20, b: 200 }];
  const strip = sharp({ create: { width: 24, height: 16 * frames.length, channels: 3, background: red } }).composite(
    frames.map((background, i) => ({ input: { create: { width: 24, height: 16, channels: 3 as const, background } }, top: i * 16, left: 0 })),
  );
  return strip
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data }) => sharp(data, { raw: { width: 24, height: 48, channels: 3, pageHeight: 16 } }).gif({ loop: 0, delay: [100, 100, 100] }).toBuffer());
}

/** A large photo (so its variants really are smaller). */
export function bigJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: 90, g: 140, b: 60 } } }).jpeg().toBuffer();
}

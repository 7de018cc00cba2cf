// Sniffing and image processing on real files: what is served has no EXIF (above all no GPS), is turned upright,
// comes in the promised variants with a placeholder; anything else is refused with its reason.
import exifReader from 'exif-reader';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_VARIANTS, MediaRefused, processImage, sniff } from '../src/index.ts';
import { animatedGif, bigJpeg, jpegWithGps, png, webp } from './fixtures.ts';

async function refusal(promise: Promise<unknown>): Promise<MediaRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRefused);
  return error as MediaRefused;
}

describe('sniff', () => {
  it('names each accepted format from its bytes alone', async () => {
    expect(await sniff(await jpegWithGps())).toEqual({ kind: 'image', mime: 'image/jpeg' });
    expect(await sniff(await png())).toEqual({ kind: 'image', mime: 'image/png' });
    expect(await sniff(await webp())).toEqual({ kind: 'image', mime: 'image/webp' });
    expect(await sniff(await animatedGif())).toEqual({ kind: 'image', mime: 'image/gif' });
  });

  it('refuses other formats, text dressed as an image, and an empty file', async () => {
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).tiff().toBuffer();
    expect((await refusal(sniff(tiff))).reason).toBe('unsupported_type');
    expect((await refusal(sniff(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')))).reason).toBe('unsupported_type');
    expect((await refusal(sniff(Buffer.from('#!/bin/sh\nrm -rf /\n')))).reason).toBe('unsupported_type');
    expect((await refusal(sniff(Buffer.from('%PDF-1.7\n')))).reason).toBe('unsupported_type');
    expect((await refusal(sniff(new Uint8Array(0)))).reason).toBe('empty');
  });
});

describe('processImage', () => {
  it('serves no EXIF at all, so no GPS, and turns the photo upright', async () => {
    const upload = await jpegWithGps();
    expect(exifReader((await sharp(upload).metadata()).exif!).GPSInfo?.GPSLatitude).toEqual([48, 51, 24]);
    const image = await processImage(upload, 'image/jpeg');
    // 64×32 taken with orientation 6 is 32 wide and 64 high upright
    expect([image.width, image.height]).toEqual([32, 64]);
    for (const file of image.files) {
      const meta = await sharp(file.bytes).metadata();
      expect(meta.exif, `${file.name} carries EXIF`).toBeUndefined();
      expect(meta.xmp, `${file.name} carries XMP`).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(Buffer.from(file.bytes).includes('TestCam'), `${file.name} carries the camera name`).toBe(false);
      expect([meta.width, meta.height]).toEqual([file.width, file.height]);
      expect(file.height).toBeGreaterThan(file.width);
    }
  });

  it('keeps the original format full size and makes WebP variants inside their boxes, never enlarged', async () => {
    const image = await processImage(await bigJpeg(), 'image/jpeg');
    expect(image.files.map((f) => f.name)).toEqual(['original', ...IMAGE_VARIANTS.map((v) => v.name)]);
    const [original, ...variants] = image.files;
    expect(original).toMatchObject({ mime: 'image/jpeg', width: 2400, height: 1600 });
    expect((await sharp(original!.bytes).metadata()).format).toBe('jpeg');
    for (const [i, v] of variants.entries()) {
      const box = IMAGE_VARIANTS[i]!.box;
      expect(v.mime).toBe('image/webp');
      expect((await sharp(v.bytes).metadata()).format).toBe('webp');
      expect(Math.max(v.width, v.height)).toBe(Math.min(box, 2400));
      expect(v.width / v.height).toBeCloseTo(1.5, 1);
    }
    const small = await processImage(await png(300, 200), 'image/png');
    expect(small.files.find((f) => f.name === 'large')).toMatchObject({ width: 300, height: 200 });
    expect(small.files[0]).toMatchObject({ mime: 'image/png', width: 300, height: 200 });
  });

  it('gives a ThumbHash placeholder of a few dozen bytes', async () => {
    const { placeholder } = await processImage(await png(), 'image/png');
    const bytes = Buffer.from(placeholder, 'base64');
    expect(bytes.length).toBeGreaterThan(5);
    expect(bytes.length).toBeLessThanOrEqual(40);
  });

  it('keeps an animated GIF animated, in the original and the variants', async () => {
    const image = await processImage(await animatedGif(), 'image/gif');
    expect([image.width, image.height]).toEqual([24, 16]);
    for (const file of image.files) expect((await sharp(file.bytes, { animated: true }).metadata()).pages, file.name).toBe(3);
  });

  it('refuses a truncated or corrupted image', async () => {
    const jpeg = await bigJpeg();
    expect((await refusal(processImage(jpeg.subarray(0, jpeg.length / 2), 'image/jpeg'))).reason).toBe('corrupt');
    const p = await png();
    expect((await refusal(processImage(p.subarray(0, p.length - 30), 'image/png'))).reason).toBe('corrupt');
    const garbled = Buffer.from(jpeg);
    garbled.fill(0x55, 1000, garbled.length - 2000);
    expect((await refusal(processImage(garbled, 'image/jpeg'))).reason).toBe('corrupt');
  });

  it('refuses a canvas too large to decode before decoding it', async () => {
    // a small PNG whose header states 20000×20000 (400 M pixels), with the header's checksum made right
    const huge = Buffer.from(await png(8, 8));
    huge.writeUInt32BE(20_000, 16);
    huge.writeUInt32BE(20_000, 20);
    huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29);
    expect((await refusal(processImage(huge, 'image/png'))).reason).toBe('corrupt');
  });
});

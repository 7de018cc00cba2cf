// Media in the web app, in a real Chromium against the real server: attach images (with upload progress, alt text,
// removal before posting), post, see them load over their placeholders, open the viewer; and post a video that plays.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { expect } from 'vitest';
import { jpegWithGps } from '../../../packages/media/test/fixtures.ts';
import { recordVideos } from '../../../packages/media/test/video-fixtures.ts';
import { eventually, test, uniqueName } from './harness.ts';

test('attaches images with progress and alt text, removes one, posts, and shows them loaded and full size', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  const composer = page.getByRole('form', { name: 'Write a post' });
  const files = composer.getByLabel('Add images or a video');

  // a ~1.4 MB image sent at 256 KB/s: the progress bar shows part of it sent
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  const noise = await sharp(randomBytes(700 * 700 * 3), { raw: { width: 700, height: 700, channels: 3 } }).png().toBuffer();
  await files.setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: noise });
  const progress = composer.getByRole('progressbar', { name: 'Uploading noise.png' });
  await eventually(async () => Number(await progress.getAttribute('value')), 'part of the upload is reported').toBeGreaterThan(0);
  expect(Number(await progress.getAttribute('value'))).toBeLessThan(1);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const attached = composer.getByRole('list', { name: 'Attached media' }).getByRole('listitem');
  await eventually(() => attached.first().getAttribute('data-state'), 'the first upload finishes').toBe('uploaded');

  await files.setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() });
  await eventually(() => attached.nth(1).getAttribute('data-state'), 'the photo is uploaded').toBe('uploaded');
  await composer.getByLabel('Alt text for wall.jpg').fill('A red brick wall');
  await composer.getByRole('button', { name: 'Remove noise.png' }).click();
  expect(await attached.count()).toBe(1);

  const text = `A wall ${uniqueName('w')}`;
  const id = await ada.post(text);
  const card = ada.tweet(id);
  const image = card.getByRole('img', { name: 'A red brick wall' });
  await eventually(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 'the image loads').toBeGreaterThan(0);
  expect(await card.getByRole('img').count(), 'the removed image is not posted').toBe(1);
  const tile = card.getByRole('button', { name: 'View image: A red brick wall' });
  expect(await tile.evaluate((el) => getComputedStyle(el).backgroundImage), 'the placeholder under it').toMatch(/^url\("data:image\/png;base64,/);

  // what the browser loaded carries no EXIF (the upload had GPS in it)
  const src = await image.evaluate((img: HTMLImageElement) => img.currentSrc);
  const served = Buffer.from(await (await fetch(src)).arrayBuffer());
  expect((await sharp(served).metadata()).exif).toBeUndefined();

  await tile.click();
  const viewer = page.getByRole('dialog', { name: 'Image viewer' });
  const large = viewer.getByRole('img', { name: 'A red brick wall' });
  await eventually(() => large.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 'the full-size image loads').toBeGreaterThan(0);
  const caption = viewer.getByText('A red brick wall');
  await caption.waitFor();
  // The post beneath must not show through the alt text: its ground is opaque, not the see-through backdrop.
  expect(await caption.evaluate((el) => getComputedStyle(el).backgroundColor), 'the caption is on solid black').toBe('rgb(0, 0, 0)');
  await page.keyboard.press('Escape');
  await eventually(() => viewer.count(), 'Escape closes the viewer').toBe(0);

  await page.reload();
  await ada.tweet(id).getByRole('img', { name: 'A red brick wall' }).waitFor();
});

test('posts a video that plays, and refuses a second attachment with it', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  const { webm } = await recordVideos(160, 120, 800);
  const composer = page.getByRole('form', { name: 'Write a post' });
  await composer.getByLabel('Add images or a video').setInputFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: webm });
  const attached = composer.getByRole('list', { name: 'Attached media' }).getByRole('listitem');
  await eventually(() => attached.first().getAttribute('data-state'), 'the video is uploaded').toBe('uploaded');
  expect(await composer.getByRole('button', { name: 'Add media' }).isDisabled(), 'nothing more with a video').toBe(true);

  const id = await ada.post(`A clip ${uniqueName('v')}`);
  const video = ada.tweet(id).locator('video');
  await eventually(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), 'the video has loaded its metadata').toBe(160);
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await eventually(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), 'the video plays').toBeGreaterThan(0);
});

test('an edit can change a post’s media, and the history shows each version with its own', async ({ web }) => {
  const ada = await web.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  const composer = page.getByRole('form', { name: 'Write a post' });
  await composer.getByLabel('Add images or a video').setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() });
  await eventually(() => composer.getByRole('listitem').first().getAttribute('data-state'), 'uploaded').toBe('uploaded');
  const id = await ada.post(`Before ${uniqueName('e')}`);
  const card = ada.tweet(id);
  // an image without alt text is decoration to a screen reader (alt=""): its tile is the button that opens it
  const tile = card.getByRole('button', { name: 'View image', exact: true });
  await tile.waitFor();

  await card.getByRole('button', { name: 'Edit', exact: true }).click();
  await card.getByRole('button', { name: 'Remove image' }).click();
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByRole('link', { name: 'Edited' }).waitFor();
  expect(await tile.count(), 'the image left the post').toBe(0);

  await card.getByRole('link', { name: 'Edited' }).click();
  const first = page.getByRole('listitem', { name: 'Version 1' });
  const second = page.getByRole('listitem', { name: 'Version 2' });
  await first.getByRole('button', { name: 'View image', exact: true }).waitFor();
  await second.getByText('Media removed').waitFor();
  expect(await second.getByRole('button', { name: 'View image', exact: true }).count()).toBe(0);
});

test('four images picked at once all upload: the page sends at most three at once, as the server takes', async ({ web }) => {
  const limited = await web.serverWith({ TWEETSTORE_LIMIT_UPLOADS_AT_ONCE: '3' });
  const ada = await limited.visitor('ada');
  const { page } = ada;
  await ada.signUp(uniqueName('ada'));
  // slow enough that all four would be in flight together
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
  const images = await Promise.all(
    [1, 2, 3, 4].map(async (n) => ({ name: `noise-${n}.png`, mimeType: 'image/png', buffer: await sharp(randomBytes(250 * 250 * 3), { raw: { width: 250, height: 250, channels: 3 } }).png().toBuffer() })),
  );
  const composer = page.getByRole('form', { name: 'Write a post' });
  await composer.getByLabel('Add images or a video').setInputFiles(images);
  const attached = composer.getByRole('list', { name: 'Attached media' }).getByRole('listitem');
  await eventually(() => attached.evaluateAll((items) => items.map((item) => item.getAttribute('data-state'))), 'every upload finishes').toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
  expect(await composer.getByRole('alert').count(), 'none was refused').toBe(0);
});

// The README is where a new user starts: its links must lead somewhere in a clone of this repository, and its CLI
// tour must say how to reach a server that is not on the default port.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

it('links only to files inside the repository, and each of them exists', () => {
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!.split('#')[0]!).filter((target) => target && !/^[a-z]+:/i.test(target));
  expect(targets.length).toBeGreaterThan(0);
  for (const target of targets) {
    const file = resolve(root, target);
    expect(relative(root, file).startsWith('..'), `${target} leaves the repository`).toBe(false);
    expect(existsSync(file), `${target} exists`).toBe(true);
  }
});

it("says, before the CLI tour's commands, how to point the CLI at another server", () => {
  const tour = readme.slice(readme.indexOf('From a terminal'));
  expect(tour.slice(0, tour.indexOf('npx tweetstore'))).toContain('TWEETSTORE_URL');
});

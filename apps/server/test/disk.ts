// Real file systems for the storage-failure tests, mounted on a temp folder: a small tmpfs (to fill up) and an ext4
// image on a loop device (to turn read-only the way ext4 does on a disk error, errors=remount-ro). Both need root
// and the tools every Debian has (util-linux, e2fsprogs). Where mounting is not permitted, the mount functions
// return the reason instead, so a test can skip with it.
import { execFileSync } from 'node:child_process';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface MountedDisk {
  /** The mount point. */
  dir: string;
  unmount(): Promise<void>;
}

export interface Ext4Disk extends MountedDisk {
  /**
   * Raises an ext4 error: the kernel turns the file system read-only, open files included, as on a failing disk. An
   * fdatasync in flight at that moment may report success for an append that never reaches the image (on 6.18:
   * storage-failure.test.ts says why); one that returned before it is on the image.
   */
  turnReadOnly(): void;
  /** Unmounts and mounts the image again, read-write (after turnReadOnly: what a reboot would find on the disk). */
  remount(): void;
}

/** A system command that failed (not permitted, not installed): the reason a test skips. */
class CommandFailed extends Error {}

function run(command: string, ...args: string[]): string {
  try {
    return execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new CommandFailed(`${command} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

/** Mounts a file system on `<temp>/mnt`; `mount` may put files beside it in `<temp>` (removed with it). */
async function mounted(prefix: string, mount: (mnt: string, root: string) => void): Promise<MountedDisk | string> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const dir = path.join(root, 'mnt');
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    await mkdir(dir);
    mount(dir, root);
  } catch (error) {
    await remove();
    if (error instanceof CommandFailed) return error.message;
    throw error;
  }
  return {
    dir,
    async unmount() {
      try {
        run('umount', dir);
      } catch {}
      await remove();
    },
  };
}

/** A tmpfs of `megabytes`, or why it could not be mounted. */
export function mountTmpfs(megabytes: number): Promise<MountedDisk | string> {
  return mounted('tweetstore-tmpfs-', (mnt) => run('mount', '-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', mnt));
}

/** A fresh ext4 image of `megabytes`, loop-mounted, or why it could not be. */
export async function mountExt4(megabytes: number): Promise<Ext4Disk | string> {
  let image = '';
  const mount = (mnt: string) => run('mount', '-o', 'loop,errors=remount-ro', image, mnt);
  const disk = await mounted('tweetstore-ext4-', (mnt, root) => {
    image = path.join(root, 'disk.img');
    writeFileSync(image, '');
    truncateSync(image, megabytes << 20);
    run('mkfs.ext4', '-q', '-F', image);
    mount(mnt);
  });
  if (typeof disk === 'string') return disk;
  // The loop device's name (loopN) names the file system in sysfs.
  const trigger = `/sys/fs/ext4/${path.basename(run('findmnt', '-n', '-o', 'SOURCE', disk.dir).trim())}/trigger_fs_error`;
  if (!existsSync(trigger)) {
    await disk.unmount();
    return `this kernel has no ${trigger}`;
  }
  return {
    ...disk,
    turnReadOnly: () => writeFileSync(trigger, 'tweetstore test: the data folder turns read-only\n'),
    remount() {
      run('umount', disk.dir);
      mount(disk.dir);
    },
  };
}

// One thing at a time per key, across everything that shares the lock: an upload writing a media object's files and
// recording it, and a sweep deciding to remove them, never interleave. The embedded engine serves one process, so a
// lock in its memory is everyone's (process-lock.ts); an engine shared by several processes gives one they all hold.
export interface KeyedLock {
  /** Runs `task` once no earlier task of `key` is running; its result or failure is the caller's. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Lets go of what the lock holds (a database's connections); none in memory. */
  close?(): Promise<void>;
}

// Opens a data folder in a process of its own and prints, as one JSON line, the checkpoint it recovered from and what
// it warned about; run by lowdb.restart.test.ts with a TypeScript preload:
//   node --import tsx --import packages/store-lowdb/test/preload.ts packages/store-lowdb/test/open-store.ts <dataDir>
// It exits without closing, so the folder is left as it was.
import { DEFAULT_EDIT_POLICY, systemClock } from '@tweetstore/core';
import { openLowdbStore } from '@tweetstore/store-lowdb';

const warnings: (string | undefined)[] = [];
const warn = (_: object, msg?: string) => void warnings.push(msg);
const store = await openLowdbStore({ dataDir: process.argv[2]!, clock: systemClock, policy: DEFAULT_EDIT_POLICY, logger: { info() {}, warn, error: warn } });
console.log(JSON.stringify({ checkpointSeq: (await store.stats()).details.checkpointSeq, warnings }));
process.exit(0);

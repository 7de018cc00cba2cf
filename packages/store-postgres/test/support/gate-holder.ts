// An instance that takes both places of the gate `uploads` (max 2) for `ada` and holds them until it is killed
// (argv: key prefix, lease ms). Prints `held` once it has them.
import { openRedisLimiterStore } from '../../src/index.ts';
import { REDIS_URL } from './redis.ts';

const [prefix, leaseMs] = process.argv.slice(2) as [string, string];
const store = await openRedisLimiterStore({ url: REDIS_URL, prefix, gateLeaseMs: Number(leaseMs) });
const gate = store.gate('uploads', 2);
if (!(await gate.enter('ada')) || !(await gate.enter('ada'))) throw new Error('the gate was not empty');
console.log('held');

import { describeLimiterStore } from '../src/limits/contract.ts';
import { memoryLimiterStore } from '../src/limits/memory.ts';

describeLimiterStore('memory', (now) => memoryLimiterStore(now));

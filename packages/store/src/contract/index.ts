// The store contract: one suite, run against every engine through its factory (never copied per engine).
// Everything goes through the TweetStore port; errors are asserted by class or code, never by message.
import { describe } from 'vitest';
import { useContractContext, type StoreHarnessFactory } from './context.ts';
import { durabilityContract } from './durability.ts';
import { editsContract } from './edits.ts';
import { engagementContract } from './engagement.ts';
import { eventsContract } from './events.ts';
import { historyPropertyContract } from './history-property.ts';
import { hashtagsContract } from './hashtags.ts';
import { mediaContract } from './media.ts';
import { searchContract } from './search.ts';
import { threadsContract } from './threads.ts';
import { tweetsContract } from './tweets.ts';
import { usersContract } from './users.ts';
import { visibilityContract } from './visibility.ts';

export { CONTRACT_EDIT_POLICY, reopeningHarness, uploadOf, type ManualClock, type StoreHarness, type StoreHarnessFactory, type StoreHarnessOptions } from './context.ts';

/**
 * Registers the contract's describe/it blocks. `factory` builds a fresh, empty store per test on the clock and
 * with the edit policy it is given (options.policy); `reopen()` closes it and opens the same data again.
 */
export function describeTweetStoreContract(engineName: string, factory: StoreHarnessFactory): void {
  describe(`TweetStore contract: ${engineName}`, () => {
    const ctx = useContractContext(factory);
    usersContract(ctx);
    tweetsContract(ctx);
    threadsContract(ctx);
    searchContract(ctx);
    hashtagsContract(ctx);
    editsContract(ctx);
    engagementContract(ctx);
    eventsContract(ctx);
    durabilityContract(ctx);
    historyPropertyContract(ctx);
    mediaContract(ctx);
    visibilityContract(ctx);
  });
}

export * from './lib/account-command.handler';
export * from './lib/command-context';
export { accountCodec } from './lib/account.codec';
export { accountDecider } from './lib/account.decider';
export { KeyedSerialQueue } from './lib/keyed-serial-queue';
export { RecentStateCache, RECENT_STATE_CACHE_SIZE } from './lib/recent-state.cache';

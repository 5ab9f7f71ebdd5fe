export { CommandHandler, DEFAULT_RETRY } from './lib/command-handler';
export * from './lib/command-handler.types';
export { KeyedSerialQueue } from './lib/keyed-serial-queue';
export { RecentStateCache, RECENT_STATE_CACHE_SIZE } from './lib/recent-state.cache';
export { CONFLICTED, retryConflicts, type Conflicted } from './lib/conflict-retry';
export { StreamStateLoader, type StreamFold } from './lib/stream-state.loader';

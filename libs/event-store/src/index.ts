export * from './lib/event-store';

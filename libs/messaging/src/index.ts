export * from './lib/messaging';

export * from './lib/read-model';

export * from './lib/read-model.migrations';

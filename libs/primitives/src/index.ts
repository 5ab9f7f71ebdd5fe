export * from './lib/json.types';
export * from './lib/uuid';

export * from './lib/test-database';
export * from './lib/test-kafka';
export * from './lib/test-http-app';
export * from './lib/account-history.fixture';
export * from './lib/app-process.spawn';
export * from './lib/account-traffic.fixture';
export * from './lib/read-model.probe';

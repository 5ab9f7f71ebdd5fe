export * from './lib/read-model.migrations';
export * from './lib/read-model.notifications';
export * from './lib/rows/account.row';
export * from './lib/rows/account-transaction.row';
export * from './lib/rows/array-literal';
export * from './lib/rows/stored-message.row';
export * from './lib/rows/read-model-rows.reader';
export * from './lib/rows/transfer.row';

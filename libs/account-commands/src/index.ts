export * from './lib/account-command.handler';
export * from './lib/command-context';
export { accountCodec } from './lib/account.codec';
export { accountDecider } from './lib/account.decider';
export * from './lib/transfer-command.handler';
export * from './lib/transfer-command.outcome';

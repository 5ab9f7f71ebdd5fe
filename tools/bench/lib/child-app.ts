// The built-app process helpers live in @ledger/testing, shared with the system suite.
export { startChildApp, type ChildApp } from '@ledger/testing';

import { suiteObject } from '@ledger/testing';
import { accountCases } from './accounts.e2e-cases';
import { startLedgerSystem, SYSTEM_LOG_DIR } from './support/ledger-system.harness';
import { slowedProjectorCases } from './transfers-slowed-projector.e2e-cases';
import { transferCases } from './transfers.e2e-cases';

/** The four apps' start (migrations, four Nest boots, the consumer group's join) on a loaded 2-core machine. */
const SYSTEM_START_TIMEOUT_MS = 180_000;

/**
 * One running system for every case: starting the four apps costs more than most cases take, so the
 * cases share its processes, database and topic, one after another. Each case opens accounts of its
 * own, and what is checked across cases (money conservation) counts every case's money.
 */
describe(`the ledger through its four apps as processes (app logs: ${SYSTEM_LOG_DIR})`, () => {
  const system = suiteObject('the ledger system', startLedgerSystem, (started) => started.stop(), SYSTEM_START_TIMEOUT_MS);

  describe('accounts', () => accountCases(system));
  // Its last case checks money conservation over the accounts of every case before it.
  describe('transfers', () => transferCases(system));
  // Last: it leaves the system with a projector of other settings.
  describe('transfers while the projector is slowed', () => slowedProjectorCases(system));
});

import { Provider } from '@nestjs/common';
import { TransferCommandHandler } from '@ledger/account-commands';
import { ACCOUNT_WRITER_OPTIONS, type AccountWriterOptions } from '../accounts/account-commands.provider';

/** The framework-free transfer command handler, on the account handler's queue and cache. */
export const transferCommandsProvider: Provider = {
  provide: TransferCommandHandler,
  inject: [ACCOUNT_WRITER_OPTIONS],
  useFactory: (options: AccountWriterOptions) => new TransferCommandHandler(options),
};

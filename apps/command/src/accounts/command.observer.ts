import { Injectable, Logger } from '@nestjs/common';
import { AccountCommand, TransferCommand } from '@ledger/domain';
import { CommandHandlerObserver } from '@ledger/command-handling';
import { messageOf } from '@ledger/platform';
import { CommandMetrics } from './command.metrics';

/** What the account and transfer command handlers report, as metrics and log lines. */
@Injectable()
export class CommandObserver implements CommandHandlerObserver<AccountCommand | TransferCommand> {
  private readonly logger = new Logger('AccountCommands');

  constructor(private readonly metrics: CommandMetrics) {}

  conflicted(event: { readonly command: AccountCommand | TransferCommand; readonly willRetry: boolean }): void {
    this.metrics.conflicts.inc({ command: event.command.type });
    if (event.willRetry) this.metrics.retries.inc({ command: event.command.type });
  }

  snapshotUndecodable(event: { readonly streamId: string; readonly snapshotVersion: number; readonly error: unknown }): void {
    this.metrics.snapshotDecodeFailures.inc();
    // A warning, not an error: the command still runs, folded from every event; the row needs a look.
    this.logger.warn(
      `account ${event.streamId}: snapshot at version ${event.snapshotVersion} cannot be decoded (${messageOf(event.error)}); ` +
        'ignored, the state is folded from every event',
    );
  }
}

import { IsIn, Matches } from 'class-validator';
import { ApiConfig, BooleanSetting, IntegerSetting } from '@ledger/platform';
import { DURATION } from './idempotency/idempotency-retention';

export class CommandConfig extends ApiConfig {
  @IntegerSetting(1, 65535)
  COMMAND_PORT: number = 3001;

  /** `/metrics` and readiness details (see CommonConfig). */
  override MANAGEMENT_PORT: number = 9101;

  /** A snapshot is stored every N events of an account. */
  @IntegerSetting(1, 1_000_000)
  SNAPSHOT_EVERY: number = 100;

  /** Attempts for a command without If-Match when another replica appended first. */
  @IntegerSetting(1, 50)
  COMMAND_MAX_ATTEMPTS: number = 10;

  /**
   * `serial`: commands on one account queue up inside this replica instead of racing to the store.
   * `off`: they race, and only the store's optimistic concurrency orders them (as across replicas).
   */
  @IsIn(['serial', 'off'])
  COMMAND_ACCOUNT_QUEUE: 'serial' | 'off' = 'serial';

  /**
   * With `serial`: commands that may wait behind the running one on an account in this replica. One
   * more is refused at once with 503 `unavailable` and Retry-After, and appends nothing.
   */
  @IntegerSetting(0, 1_000_000)
  COMMAND_ACCOUNT_QUEUE_LIMIT: number = 100;
  /** How long an Idempotency-Key is kept (a client may retry with it that long); then it is pruned. */
  @Matches(DURATION, { message: 'must be a duration: a whole number and s, m, h or d, such as 24h' })
  IDEMPOTENCY_RETENTION: string = '24h';

  /**
   * Whether this replica competes to expire holds past their deadline (one replica at a time does).
   * false where something else must decide when holds expire (some tests); holds then stay pending.
   */
  @BooleanSetting()
  HOLD_EXPIRY_ENABLED: boolean = true;

  /**
   * How often the leader looks for holds past their deadline, and a standby tries to take the lead:
   * a hold is released at most about this long after its deadline (plus the sweep's own time).
   */
  @IntegerSetting(10, 60_000)
  HOLD_EXPIRY_INTERVAL_MS: number = 250;
}

/** As the API names them: `completed` is an immediate transfer, the others a hold's life. */
export type TransferStatus = 'completed' | 'pending' | 'posted' | 'voided' | 'expired';

/** The state a transfer decision needs, folded from the transfer's stream by `evolveTransfer`. */
export type TransferState =
  | Readonly<{ status: 'NOT_CREATED' }>
  | Readonly<{
      status: TransferStatus;
      transferId: string;
      fromAccountId: string;
      toAccountId: string;
      /** What was transferred, or held. */
      amount: bigint;
      /** What reached the destination: the amount when completed, the posted part when posted, else 0. */
      postedAmount: bigint;
      currency: string;
      reference: string | null;
      /** A hold's deadline; null for an immediate transfer. */
      expiresAt: Date | null;
      createdAt: Date;
      updatedAt: Date;
    }>;

export type CreatedTransferState = Exclude<TransferState, { status: 'NOT_CREATED' }>;

export const initialTransferState: TransferState = { status: 'NOT_CREATED' };

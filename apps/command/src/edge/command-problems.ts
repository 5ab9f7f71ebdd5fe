import { SHARED_PROBLEMS } from '@ledger/platform';

/** A rule of the domain refused the command: 409, with its own type. */
const refusal = (title: string, detail: string) => ({ status: 409, title, detail }) as const;

/** Every problem a command answers with, besides the ones any protected route may: what OpenAPI documents and clients switch on. */
export const COMMAND_PROBLEMS = {
  validation: {
    ...SHARED_PROBLEMS.validation,
    detail: 'A body field is missing, malformed, out of range or unknown; errors lists each.',
  },
  'malformed-json': { ...SHARED_PROBLEMS['malformed-json'], detail: 'The body is not a JSON object.' },
  'invalid-account-id': { ...SHARED_PROBLEMS['invalid-account-id'], detail: 'The account id must be a UUID.' },
  'invalid-if-match': { status: 400, title: 'Invalid If-Match', detail: 'If-Match must be an ETag such as "3".' },
  'invalid-idempotency-key': {
    status: 400,
    title: 'Invalid Idempotency-Key',
    detail: 'Idempotency-Key must be 1 to 200 visible ASCII characters.',
  },
  'invalid-amount': {
    status: 400,
    title: 'Invalid amount',
    detail: 'The amount is not a positive integer number of minor units in range.',
  },
  'account-not-found': { status: 404, title: 'Account not found', detail: 'No such account.' },
  'account-already-exists': refusal('Account already exists', 'An account with this id exists already.'),
  'insufficient-funds': refusal('Insufficient funds', 'The balance does not cover the withdrawal (balance and requested say by how much).'),
  'account-frozen': refusal('Account frozen', 'The account is frozen: no money moves, and it cannot be frozen again.'),
  'account-not-frozen': refusal('Account not frozen', 'Only a frozen account can be unfrozen.'),
  'account-closed': refusal('Account closed', 'The account is closed: nothing changes it any more.'),
  'balance-not-zero': refusal('Balance not zero', 'Only an account with a zero balance can be closed (balance says what is left).'),
  'balance-overflow': refusal('Balance overflow', 'The deposit or transfer would take a balance beyond the largest amount supported.'),
  'concurrency-conflict': {
    status: 409,
    title: 'Concurrent modification',
    detail: 'The account kept changing while this command ran; retry it.',
  },
  'version-mismatch': {
    status: 412,
    title: 'Version mismatch',
    detail: 'The account is not at the version If-Match names (currentVersion says where it is).',
  },
  'payload-too-large': { ...SHARED_PROBLEMS['payload-too-large'], detail: 'The body exceeds 64 KiB.' },
  'unsupported-media-type': { ...SHARED_PROBLEMS['unsupported-media-type'], detail: 'Send the body as application/json.' },
  'invalid-transfer-id': { status: 400, title: 'Invalid transfer id', detail: 'The transfer id must be a UUID.' },
  'transfer-not-found': { status: 404, title: 'Transfer not found', detail: 'No such transfer.' },
  'transfer-id-reused': refusal(
    'Transfer id reused',
    'A transfer with this id exists already, with other terms or from another caller (the same transfer again is replayed).',
  ),
  'same-account': refusal('Same account', 'A transfer needs two different accounts.'),
  'currency-mismatch': refusal('Currency mismatch', "An account's currency is not the transfer's."),
  'transfer-not-pending': refusal('Transfer not pending', 'Only a pending transfer can be posted or voided.'),
  'transfer-expired': refusal('Transfer expired', 'The hold passed its deadline: it was, or is being, released.'),
  'post-exceeds-pending': refusal('Post exceeds pending', 'A post moves at most the amount the hold reserves (pending says how much).'),
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    detail: 'This Idempotency-Key was used with a different request.',
  },
} as const;

export type CommandProblemSlug = keyof typeof COMMAND_PROBLEMS;

import { InMemoryEventStore } from './in-memory-event-store';
import { describeEventStoreContract } from './testing/event-store.contract';

describeEventStoreContract(
  'InMemoryEventStore',
  async () => {
    return { store: new InMemoryEventStore(), close: async () => undefined };
  },
  { describe, it, beforeAll, afterAll },
);

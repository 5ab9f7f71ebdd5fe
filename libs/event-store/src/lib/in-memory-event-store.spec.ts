import { InMemoryEventStore } from './in-memory-event-store';
import { describeEventStoreContract } from './testing/event-store.contract';

describeEventStoreContract(
  'InMemoryEventStore',
  async () => {
    const store = new InMemoryEventStore();
    return { store, upcasting: (upcast) => store.upcasting(upcast), close: async () => undefined };
  },
  { describe, it, beforeAll, afterAll },
);

// node --test: tools/stack.mjs runs before anything is installed or built, so its modules are tested by node itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerJvmFlags } from './kafka.mjs';

describe('brokerJvmFlags', () => {
  const QUICK_ONLY = '-XX:TieredStopAtLevel=1';

  it('given no LEDGER_KAFKA_JIT (or an empty one), then the broker runs the quick compiler alone', () => {
    assert.ok(brokerJvmFlags({}).includes(QUICK_ONLY));
    assert.ok(brokerJvmFlags({ LEDGER_KAFKA_JIT: '' }).includes(QUICK_ONLY));
    assert.ok(brokerJvmFlags({ LEDGER_KAFKA_JIT: 'quick' }).includes(QUICK_ONLY));
  });

  it('given LEDGER_KAFKA_JIT=full, then both compilers run, with the same heap and collector', () => {
    const full = brokerJvmFlags({ LEDGER_KAFKA_JIT: 'full' });
    assert.ok(!full.some((flag) => flag.startsWith('-XX:TieredStopAtLevel')));
    assert.deepEqual(
      full,
      brokerJvmFlags({}).filter((flag) => flag !== QUICK_ONLY),
    );
  });

  it('given any other mode, then it is refused with the modes named', () => {
    for (const mode of ['FULL', 'c2', 'full ', 'toString', '__proto__']) {
      assert.throws(() => brokerJvmFlags({ LEDGER_KAFKA_JIT: mode }), /LEDGER_KAFKA_JIT must be one of quick, full, not/);
    }
  });
});

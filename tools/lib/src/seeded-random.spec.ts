import { isUuid } from '@ledger/primitives';
import { seededRandom } from './seeded-random';

describe('seededRandom', () => {
  it('given the same seed, when drawing, then the same sequence comes out; another seed gives another', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return [random.next(), random.between(1, 6), random.uuid(), random.shuffled([1, 2, 3, 4, 5])];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('given many draws, when bounded, then every value is in range and every bound is reached', () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const n = random.next();
      expect(n >= 0 && n < 1).toBe(true);
      seen.add(random.between(1, 3));
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('given a list, when shuffled or picked, then the items are the same ones and an empty pick is refused', () => {
    const random = seededRandom(1);
    expect(random.shuffled(['a', 'b', 'c', 'd']).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(['x', 'y']).toContain(random.pick(['x', 'y']));
    expect(() => random.pick([])).toThrow('pick from an empty list');
  });

  it('given uuids and chances, when drawn, then uuids are valid v4 and chance(0)/chance(1) are never/always', () => {
    const random = seededRandom(9);
    for (let i = 0; i < 50; i++) {
      const id = random.uuid();
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('4');
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
    }
  });
});

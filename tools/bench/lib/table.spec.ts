import { formatTable } from './table';

describe('formatTable', () => {
  it('pads the first column right and right-aligns the others under a dashed rule', () => {
    const table = formatTable(
      ['contender', 'ops/s'],
      [
        ['relay', '12345'],
        ['plain kafkajs producer', '7'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'contender               ops/s',
      '----------------------  -----',
      'relay                   12345',
      'plain kafkajs producer      7',
    ]);
  });

  it('sizes a column by its header when every cell is shorter', () => {
    expect(formatTable(['name', 'events/s'], [['a', '1']]).split('\n')).toEqual(['name  events/s', '----  --------', 'a            1']);
  });

  it('prints the header and rule alone when there are no rows', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('a  bb\n-  --');
  });
});

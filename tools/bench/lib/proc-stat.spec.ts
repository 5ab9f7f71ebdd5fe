import { busyShare, listeningInodes, parseMachineStat, parseProcessStat, socketInode, usedSince } from './proc-stat';

describe('parseProcessStat', () => {
  it('reads the parent and user + system ticks after a command name holding spaces and parentheses', () => {
    // given a /proc/<pid>/stat line whose command name could be mistaken for fields
    const line = '5006 (java (x) y) S 1 5006 5006 0 -1 4194304 195771 0 482 0 8133 2539 7 9 20 0 113 0 15991';

    // when it is parsed
    const stat = parseProcessStat(line);

    // then utime and stime are summed, children's times left out
    expect(stat).toEqual({ ppid: 1, ticks: 8133 + 2539 });
  });

  it('answers null for a line that is not a process stat', () => {
    expect(parseProcessStat('no such thing')).toBeNull();
    expect(parseProcessStat('1 (init) S')).toBeNull();
  });
});

describe('parseMachineStat', () => {
  it('counts idle and iowait as not busy, everything else up to steal as busy', () => {
    // given /proc/stat with guest columns, which are already inside user
    const text = 'cpu  600 5 100 1000 20 3 7 2 50 0\ncpu0 300 0 50 500 10 1 3 1 25 0\nintr 1 2';

    // when it is parsed
    const ticks = parseMachineStat(text);

    // then
    expect(ticks).toEqual({ busy: 600 + 5 + 100 + 3 + 7 + 2, total: 600 + 5 + 100 + 1000 + 20 + 3 + 7 + 2 });
  });

  it('answers null without the aggregate line', () => {
    expect(parseMachineStat('cpu0 1 2 3 4 5 6 7 8\n')).toBeNull();
  });
});

describe('busyShare', () => {
  it('is the busy part of the time that passed between two readings', () => {
    expect(busyShare({ busy: 100, total: 400 }, { busy: 250, total: 600 })).toBe(0.75);
  });

  it('answers null when no time passed', () => {
    expect(busyShare({ busy: 1, total: 2 }, { busy: 1, total: 2 })).toBeNull();
  });
});

describe('listeningInodes', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4038 1 0 100 0 0 10 0',
    '   1: 0100007F:2384 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 5120 1 0 20 4 30 10 -1',
    '   2: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6559 1 0 100 0 0 10 0',
  ].join('\n');

  it('finds the sockets listening on the port, not its established connections', () => {
    // given port 9092 (0x2384) with a listener and an accepted connection, and another port
    // when
    const inodes = listeningInodes(table, 9092);

    // then
    expect(inodes).toEqual(['4038']);
  });

  it('finds nothing on a port no one listens on', () => {
    expect(listeningInodes(table, 1)).toEqual([]);
  });
});

describe('socketInode', () => {
  it('reads the inode of a socket link and ignores other files', () => {
    expect(socketInode('socket:[4038]')).toBe('4038');
    expect(socketInode('/dev/null')).toBeNull();
    expect(socketInode('pipe:[77]')).toBeNull();
  });
});

describe('usedSince', () => {
  it('sums what each process used since the first reading, a new one from zero, a gone one not at all', () => {
    // given process 1 read twice, process 2 only at the end, process 3 only at the start
    const before = new Map([
      [1, 10],
      [3, 50],
    ]);
    const after = new Map([
      [1, 12.5],
      [2, 4],
    ]);

    // when
    const used = usedSince(before, after);

    // then
    expect(used).toBe(2.5 + 4);
  });
});

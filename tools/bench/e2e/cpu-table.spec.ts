import { accountCpu, cpuTableRows } from './cpu-table';

describe('accountCpu', () => {
  const window = { seconds: 10, commands: 1000, cpus: 2, machineBusyShare: 0.9, everyProcessSeconds: 17 };

  it('gives each process its cores, ms per command and share of the machine, then the total, busy and unaccounted', () => {
    // given two processes over 10 s on 2 CPUs busy 90% of the time (18 CPU seconds), 17 of which
    // processes still alive at the end used
    const processes = [
      { process: 'postgres', cpuSeconds: 6 },
      { process: 'query', cpuSeconds: 4 },
    ];

    // when the window is accounted
    const account = accountCpu(processes, window);

    // then
    expect(account.rows).toEqual([
      { process: 'postgres', cpuSeconds: 6, cores: 0.6, msPerCommand: 6, machinePercent: 30 },
      { process: 'query', cpuSeconds: 4, cores: 0.4, msPerCommand: 4, machinePercent: 20 },
      { process: 'total of processes', cpuSeconds: 10, cores: 1, msPerCommand: 10, machinePercent: 50 },
      { process: 'machine busy', cpuSeconds: 18, cores: 1.8, msPerCommand: 18, machinePercent: 90 },
      { process: 'unaccounted', cpuSeconds: 8, cores: 0.8, msPerCommand: 8, machinePercent: 40 },
      { process: 'unaccounted: other processes', cpuSeconds: 7, cores: 0.7, msPerCommand: 7, machinePercent: 35 },
    ]);
  });

  it('leaves an unreadable process out of the total and shows it as n/a', () => {
    // given a process whose CPU could not be read, on a machine without /proc
    const account = accountCpu(
      [
        { process: 'kafka broker', cpuSeconds: null },
        { process: 'query', cpuSeconds: 4 },
      ],
      { ...window, machineBusyShare: null, everyProcessSeconds: null },
    );

    // when it is printed
    const rows = cpuTableRows(account);

    // then
    expect(rows).toEqual([
      ['kafka broker', 'n/a', 'n/a', 'n/a', 'n/a'],
      ['query', '4.00', '0.40', '4.000', '20.0'],
      ['total of processes', '4.00', '0.40', '4.000', '20.0'],
      ['machine busy', 'n/a', 'n/a', 'n/a', 'n/a'],
      ['unaccounted', 'n/a', 'n/a', 'n/a', 'n/a'],
      ['unaccounted: other processes', 'n/a', 'n/a', 'n/a', 'n/a'],
    ]);
  });

  it('has no ms per command when no command was sent', () => {
    expect(accountCpu([{ process: 'query', cpuSeconds: 1 }], { ...window, commands: 0 }).rows[0]?.msPerCommand).toBeNull();
  });
});

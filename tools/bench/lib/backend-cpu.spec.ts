import { serverProcessesFor } from './backend-cpu';

describe('serverProcessesFor', () => {
  it("counts the postmaster, its background processes and the database's backends, not other databases' or the observer's", () => {
    // given a postmaster (10) whose children are a checkpointer (11), walwriter (12), a backend of the
    // bench database (20), one of another database (21), the observer (22) and an autovacuum worker (23)
    const activity = [
      { pid: 11, datname: null },
      { pid: 12, datname: null },
      { pid: 20, datname: 'bench' },
      { pid: 21, datname: 'other' },
      { pid: 22, datname: 'bench' },
      { pid: 23, datname: 'bench' },
    ];

    // when the processes serving "bench" are chosen
    const pids = serverProcessesFor(10, [11, 12, 20, 21, 22, 23, 24], activity, 'bench', 22);

    // then a child pg_stat_activity does not list (24, e.g. the logger) counts as the server's
    expect(pids).toEqual([10, 11, 12, 20, 23, 24]);
  });
});

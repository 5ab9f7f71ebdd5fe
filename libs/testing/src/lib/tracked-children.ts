import type { ChildProcess } from 'node:child_process';

/** Children still running when this process exits are killed, so a crashed run leaves none behind. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
    exitHookInstalled = true;
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

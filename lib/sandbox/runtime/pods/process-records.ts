/**
 * A record of the process groups the kubelet started, kept on disk, so that a sandbox
 * that died without stopping (killed, crashed) does not leave its pods' processes
 * running: the next start kills the groups the previous one left. A group is only
 * killed when its leader still carries the pod uid the record names (in its
 * environment, read from /proc), so a reused process id is never hit; where /proc is
 * missing nothing is killed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The variable that marks a pod's processes as the sandbox's. */
export const POD_UID_VARIABLE = 'SPLITSCOPE_POD_UID';

/** The on-disk record of started process groups (see the top of this file). */
export class ProcessRecords {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = join(dir, 'kubelet', 'process-groups');
    mkdirSync(this.dir, { recursive: true });
  }

  add(pgid: number, podUid: string): void {
    writeFileSync(join(this.dir, String(pgid)), podUid);
  }

  remove(pgid: number): void {
    rmSync(join(this.dir, String(pgid)), { force: true });
  }

  /** Kills the groups a previous run left behind; returns how many it killed. */
  killLeftovers(): number {
    let killed = 0;
    for (const name of readdirSync(this.dir)) {
      const pgid = Number(name);
      const file = join(this.dir, name);
      const uid = readFileSync(file, 'utf8').trim();
      rmSync(file, { force: true });
      if (!Number.isInteger(pgid) || pgid <= 1 || uid === '') continue;
      let environ: string;
      try {
        environ = readFileSync(`/proc/${pgid}/environ`, 'utf8');
      } catch {
        continue; // gone, or no /proc: nothing to do, nothing safe to do
      }
      if (!environ.split('\0').includes(`${POD_UID_VARIABLE}=${uid}`)) continue;
      try {
        process.kill(-pgid, 'SIGKILL');
        killed += 1;
      } catch {
        // it ended meanwhile
      }
    }
    return killed;
  }
}

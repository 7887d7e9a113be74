import { type ChildProcess, spawn } from 'node:child_process';

/** A long-running server binary started by a test, with the tail of its output kept for failures. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last 64 KiB of its stdout and stderr. */
  output(): string;
  /** Whether it has exited. */
  readonly exited: () => boolean;
  /** SIGTERM, then SIGKILL after `graceMillis`; resolves once the process is gone. */
  stop(graceMillis?: number): Promise<void>;
}

const KEEP = 64 * 1024;

/** Spawns `command` with `args`; a failed spawn or an early exit shows in `output()`. */
export function startService(name: string, command: string, args: readonly string[], env: Record<string, string> = {}): ServiceProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  let exited = false;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEEP);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));
  const gone = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      exited = true;
      keep(Buffer.from(`\n[${name} exited: ${String(code ?? signal)}]\n`));
      resolve();
    }),
  );
  return {
    name,
    child,
    output: () => output,
    exited: () => exited,
    async stop(graceMillis = 5000): Promise<void> {
      if (exited || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
      await gone;
      clearTimeout(timer);
    },
  };
}

// Parent side of the worker processes: fork from source, talk over IPC, never leave one behind.
import { fork, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { JOB_ENV, type Job, type ParentMessage, type WorkerMessage } from './protocol.js';

const running = new Set<ChildProcess>();

/** Every child this run started and that is still alive gets SIGKILL (interrupt / failure path). */
export function killChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs a command to completion, collecting its output; killed after `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: SpawnOptions = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} did not finish within ${timeoutMs} ms:\n${output.slice(-2_000)}`),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the next message of `type`; rejects if the worker reports an error or dies. */
  next<T extends WorkerMessage['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<WorkerMessage, { type: T }>>;
  onMessage(listener: (message: WorkerMessage) => void): void;
  send(message: ParentMessage): void;
  /** Resolves once the process has exited (killing it after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Forks `bench/src/workers/<file>` from source (tsx) with its job in the environment. */
export function forkWorker(file: string, job: Job, env: Record<string, string> = {}): Worker {
  const child = track(
    fork(join(import.meta.dirname, file), [], {
      execArgv: ['--conditions=@herald/source', '--import', 'tsx'],
      env: { ...process.env, ...env, [JOB_ENV]: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let failure: Error | undefined;
  // IPC write errors (a worker that just exited) must not crash the benchmark process.
  child.on('error', (error) => (failure ??= error));
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'error') failure ??= new Error(`${file}: ${message.message}`);
  });
  void exited.then((code) => {
    failure ??= new Error(`${file} exited with code ${code} before finishing`);
  });
  return {
    child,
    next(type, timeoutMs) {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${file}: no "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (message: WorkerMessage) => {
          if (message.type === type) {
            done();
            resolve(message as Extract<WorkerMessage, { type: typeof type }>);
          } else if (message.type === 'error') {
            done();
            reject(new Error(`${file}: ${message.message}`));
          }
        };
        const onExit = (code: number | null) => {
          done();
          reject(failure ?? new Error(`${file} exited with code ${code}`));
        };
        const done = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    send(message) {
      if (child.connected) child.send(message, () => undefined);
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

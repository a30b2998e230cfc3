import type * as fs from 'node:fs';
import { requireBuiltin } from '../node-builtins.js';

// The temporary copies a run holds while it reads its rows twice (read-twice.ts). A run ended by
// a signal (Ctrl-C, a CI job's timeout, cron's kill) never reaches its `finally`, so the command
// line removes them itself when one arrives (cli.ts); the library leaves signals to its caller.
const directories = new Set<string>();

export const temporaryCopies = {
  add(directory: string): void {
    directories.add(directory);
  },
  delete(directory: string): void {
    directories.delete(directory);
  },
  /** Synchronous: a signal handler has no time to wait. */
  removeAllNow(): void {
    const { rmSync } = requireBuiltin('node:fs') as typeof fs;
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    directories.clear();
  },
};

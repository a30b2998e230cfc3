import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerminalRun {
  readonly exitCode: number;
  /** Every byte the program wrote to the terminal, escape sequences included. */
  readonly raw: string;
  /** What the terminal shows at the end, as a person would see it. */
  readonly screen: string;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs a command with a real terminal (a tmux pane, on a tmux server of its own) as its stdout
 * and stderr, recording the raw bytes with pipe-pane and the final screen with capture-pane.
 */
export async function runInTerminal(command: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<TerminalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-tty-'));
  const socket = join(dir, 'tmux.sock');
  const go = join(dir, 'go');
  const done = join(dir, 'exit-code');
  const raw = join(dir, 'raw.log');
  const environment = Object.entries(options.env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ');
  // The command waits until the pane is being recorded, and the pane stays open to be captured.
  const script = [
    `while [ ! -e ${shellQuote(go)} ]; do sleep 0.05; done`,
    `cd ${shellQuote(options.cwd)}`,
    `env -i ${environment} ${command.map(shellQuote).join(' ')}`,
    `echo $? > ${shellQuote(done)}`,
    'sleep 600',
  ].join('; ');
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  try {
    tmux('new-session', '-d', '-s', 'csv-push', '-x', '160', '-y', '40', script);
  } catch (error) {
    throw new Error(`tmux is needed for the terminal tests: apt-get install tmux (${(error as Error).message})`);
  }
  try {
    tmux('pipe-pane', '-o', '-t', 'csv-push', `cat > ${shellQuote(raw)}`);
    writeFileSync(go, '');
    const deadline = Date.now() + options.timeoutMs;
    while (!existsSync(done) || readFileSync(done, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error(`the command did not finish in the terminal within ${options.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // pipe-pane hands bytes on through cat; give it a moment to write the last ones.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const screen = tmux('capture-pane', '-p', '-t', 'csv-push');
    return { exitCode: Number(readFileSync(done, 'utf8').trim()), raw: readFileSync(raw, 'utf8'), screen };
  } finally {
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  }
}

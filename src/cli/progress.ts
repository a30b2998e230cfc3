import cliProgress from 'cli-progress';
import type { ReadProgress } from '../index.js';
import { formatDuration, plural } from './output.js';

// A progress line while a large CSV is read, drawn by cli-progress (throttled redraws, clipping to
// the terminal's width, clearing the line at the end). Only ever used on a terminal: the CLI
// decides that, and the core only reports how far it got.

/** Reading that finishes sooner shows no progress line at all. */
const SHOW_AFTER_MS = 500;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export class ReadProgressLine {
  private readonly bar: cliProgress.SingleBar;
  private readonly started: number;
  private readonly now: () => number;
  private shown = false;

  constructor(stream: NodeJS.WritableStream, redact: (text: string) => string, now: () => number = Date.now) {
    this.started = now();
    this.now = now;
    this.bar = new cliProgress.SingleBar({
      stream,
      // Every printed line goes through the redactor, this one too (a file name is the user's text).
      format: (_options, params, payload: { progress: ReadProgress }) => redact(this.line(payload.progress, params.value)),
      clearOnComplete: true,
      linewrap: true,
      // cli-progress would stop on SIGINT by listening for it, which keeps Ctrl-C from ending the run.
      gracefulExit: false,
      fps: 8,
    });
  }

  /** Takes the core's progress; draws nothing until reading has taken half a second. */
  update(progress: ReadProgress): void {
    if (!this.shown) {
      if (this.now() - this.started < SHOW_AFTER_MS) return;
      this.shown = true;
      this.bar.start(progress.totalBytes ?? 0, progress.bytesRead, { progress });
      return;
    }
    if (progress.totalBytes !== undefined && progress.totalBytes !== this.bar.getTotal()) this.bar.setTotal(progress.totalBytes);
    this.bar.update(progress.bytesRead, { progress });
  }

  /** Clears the line, so that what follows (warnings, the summary) takes its place. */
  stop(): void {
    if (this.shown) this.bar.stop();
  }

  private line(progress: ReadProgress, bytesRead: number): string {
    const seconds = Math.max(this.now() - this.started, 1) / 1000;
    const share =
      progress.totalBytes === undefined || progress.totalBytes === 0
        ? `${megabytes(bytesRead)}`
        : `${Math.floor((bytesRead / progress.totalBytes) * 100)}% of ${megabytes(progress.totalBytes)}`;
    const rate = `${plural(Math.round(progress.rowsRead / seconds), 'row')}/s`;
    return `reading ${progress.file}: ${plural(progress.rowsRead, 'row')}, ${share}, ${rate}, ${formatDuration(this.now() - this.started)}`;
  }
}

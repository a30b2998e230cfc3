import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CsvPushError, usageError } from '../errors.js';
import { applyTextfileMode, textfileModeFor } from './file-mode.js';

/**
 * Checks a `--textfile` path before anything is read. node_exporter's textfile collector reads
 * only `*.prom` files in its directory, so any other name would be written and never exposed.
 */
export function checkTextfilePath(path: string): void {
  if (!path.endsWith('.prom') || basename(path) === '.prom') {
    throw usageError(
      `--textfile ${path}: the name must end in .prom, because node_exporter's textfile collector reads only *.prom files; e.g. --textfile ${dirname(path)}/${basename(path).replace(/\.[^.]*$/, '') || 'metrics'}.prom`,
    );
  }
}

/**
 * Replaces the file at `path` with `text` so that a reader sees the old file or the new one,
 * never a part: the text goes to a temporary file in the same directory (a rename is atomic
 * only within one file system), which is flushed to disk and then renamed over the target.
 * The temporary name does not end in `.prom`, so the collector never reads it, and it is
 * removed when anything fails.
 */
export async function writeTextfile(path: string, text: string | Uint8Array, options: { readonly mode?: number | undefined } = {}): Promise<void> {
  checkTextfilePath(path);
  await replaceFile(path, [text], { mode: options.mode, option: '--textfile', elsewhere: "point --textfile at node_exporter's --collector.textfile.directory" });
}

/** How replaceFile names the file in its messages: the option that gave it, and where else it may go. */
export interface ReplacedFile {
  readonly mode?: number | undefined;
  readonly option: string;
  /** What to do instead when its directory is missing: `point --textfile at ...`. */
  readonly elsewhere: string;
}

/**
 * writeTextfile's atomic replacement for any file, its text given in chunks (so that a large
 * file is never one string in memory): a reader sees the old file or the new one, never a part.
 */
export async function replaceFile(path: string, chunks: Iterable<string | Uint8Array>, named: ReplacedFile): Promise<void> {
  const wanted = await textfileModeFor(path, named.mode);
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    // 'wx': never write through a file someone else put there under the same name.
    const handle = await open(temporary, 'wx', 0o644);
    created = true;
    try {
      await applyTextfileMode(handle, wanted);
      // writeFile writes all of a chunk from the current position, so the chunks follow one another.
      for (const chunk of chunks) await handle.writeFile(chunk);
      // Flushed before the rename, or a crash could leave the new name pointing at empty data.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    created = false;
  } catch (error) {
    if (created) await unlink(temporary).catch(() => undefined);
    throw writeFailure(error as NodeJS.ErrnoException, path, directory, named);
  }
}

function writeFailure(error: NodeJS.ErrnoException, path: string, directory: string, named: ReplacedFile): CsvPushError {
  const reasons: Record<string, string> = {
    ENOENT: `the directory ${directory} does not exist; create it, or ${named.elsewhere}`,
    EACCES: `permission denied in ${directory}; run as a user that may write there`,
    EPERM: `permission denied in ${directory}; run as a user that may write there`,
    EROFS: `${directory} is on a read-only file system`,
    ENOSPC: `no space left on the device holding ${directory}`,
    EISDIR: `${path} is a directory; name a file${named.option === '--textfile' ? ' ending in .prom' : ''}`,
    ENOTDIR: `a part of ${directory} is not a directory`,
  };
  const reason = reasons[error.code ?? ''] ?? error.message;
  return new CsvPushError('WRITE_FAILED', `cannot write ${path}: ${reason}; the previous file, if any, is unchanged`, { cause: error });
}

import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';

// The mode and owner a written textfile gets. node_exporter serves its metrics to anyone who
// scrapes it, and usually runs as its own user (`prometheus` on Debian, `nobody` elsewhere), so a
// file it cannot read is lost silently: it serves node_textfile_scrape_error 1 while csv-push said
// "wrote". A new file is therefore 0644 whatever the umask (CIS benchmarks set 027 for root, which
// would make it 0640 root:root); a file being replaced keeps its mode, and, when csv-push may
// (as root), its owner and group, as `sponge` does; --file-mode chooses.

/** A new textfile: readable by node_exporter whatever user it runs as, writable only by its owner. */
export const NEW_TEXTFILE_MODE = 0o644;

export interface TextfileMode {
  readonly mode: number;
  /** The owner of the file being replaced, to hand the new one to. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** The mode (and owner) for the file at `path`: `chosen` if given, else the old file's, else 0644. */
export async function textfileModeFor(path: string, chosen: number | undefined): Promise<TextfileMode> {
  try {
    const old = await stat(path);
    if (!old.isFile()) return { mode: chosen ?? NEW_TEXTFILE_MODE };
    return { mode: chosen ?? old.mode & 0o7777, owner: { uid: old.uid, gid: old.gid } };
  } catch {
    // No file there yet (or none we may look at): a new file.
    return { mode: chosen ?? NEW_TEXTFILE_MODE };
  }
}

/**
 * Gives the temporary file its mode and owner before it is renamed into place. chmod is not
 * subject to the umask, unlike the mode given to open. Only root may give a file to another
 * user; anyone else keeps the new file as their own, with the old mode.
 */
export async function applyTextfileMode(handle: FileHandle, wanted: TextfileMode): Promise<void> {
  if (wanted.owner !== undefined) {
    const now = await handle.stat();
    if (now.uid !== wanted.owner.uid || now.gid !== wanted.owner.gid) {
      try {
        await handle.chown(wanted.owner.uid, wanted.owner.gid);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'EINVAL') throw error;
      }
    }
  }
  // After chown, which may clear set-id bits.
  await handle.chmod(wanted.mode);
}

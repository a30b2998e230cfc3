// The dry run: what a destination would take, printed instead of sent, through the caller's
// `write` (the CLI passes standard output). The destination itself is never loaded for sending.

/**
 * Writes every chunk; resolves with why the output refused a write, if it did (a closed pipe or a
 * full disk), so that the caller can say nothing was sent.
 */
export async function printDryRun(chunks: Iterable<Uint8Array | string>, write: (chunk: Uint8Array | string) => Promise<void>): Promise<string | undefined> {
  try {
    for (const chunk of chunks) await write(chunk);
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // A reader that closed the pipe (`| head`) has what it wanted.
    return code === 'EPIPE' ? undefined : (message ?? code ?? String(error));
  }
}

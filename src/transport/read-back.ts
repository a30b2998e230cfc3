import { CsvPushError } from '../errors.js';
import { formatSeconds } from './answers.js';
import type { AttemptFailure } from './answers.js';
import { groupOfPath, pushTimes, type PushTimeLines } from './gateway-groups.js';
import type { HttpMethod, TransportOptions } from './options.js';

// After a push whose whole body reached the gateway but whose answer did not come in time, the
// gateway may still be ingesting it. Sending the body again would make it ingest it twice (a
// million series take seconds), so the client reads the group's own push times back instead,
// from the gateway's /metrics text (see gateway-groups.ts for why not its JSON).

/**
 * The read-back's share of the run beyond the attempts' own --timeout: small and fixed, so that a
 * run with --retries 0 ends within --timeout plus this (and the few milliseconds around it).
 */
export const READ_BACK_MARGIN_MS = 500;
const POLL_EVERY_MS = 200;
const MIN_READ_MS = 50;

export type ReadBackOutcome =
  | { readonly kind: 'stored'; readonly at: Date }
  | { readonly kind: 'refused'; readonly at: Date }
  | { readonly kind: 'not-stored'; readonly checkedForMs: number }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * How long to look: the time the attempts not made would have had (a push whose body went up is
 * never sent again, so their --timeout is free), plus a fixed margin. The whole request, read-back
 * included, so ends within (retries + 1) x --timeout, the waits between attempts, and the margin.
 */
export function readBackWindowMs(timeoutMs: number, attemptsLeft: number): number {
  return attemptsLeft * timeoutMs + READ_BACK_MARGIN_MS;
}

/**
 * Polls the gateway until the group shows a push or a refusal newer than `sentAtMs`, or the
 * window closes. Only the gateway's own record decides; `get` fetches those lines of `/metrics`.
 */
export async function readBackPush(
  get: (timeoutMs: number) => Promise<PushTimeLines>,
  group: Record<string, string>,
  sentAtMs: number,
  { windowMs }: { windowMs: number },
): Promise<ReadBackOutcome> {
  const started = Date.now();
  let lastProblem: string | undefined;
  // Once the gateway has answered, a later read cut short by the window's end does not make the
  // outcome unknown: no push showed while it could be seen.
  let answered = false;
  for (;;) {
    try {
      // /metrics lists every group, so it grows with the gateway's contents: give it the rest of the
      // window, and no more, so that --timeout bounds the run.
      const answer = await get(Math.max(1, windowMs - (Date.now() - started)));
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status} from /metrics`);
      // Clocks a few seconds apart would make a fresh push look old (or an old one fresh).
      const gatewayNow = answer.date === undefined ? Number.NaN : Date.parse(answer.date);
      const skewMs = Number.isNaN(gatewayNow) || Math.abs(gatewayNow - Date.now()) < 2000 ? 0 : gatewayNow - Date.now();
      const times = pushTimes(answer.lines, group);
      const since = sentAtMs + skewMs;
      answered = true;
      if (times !== undefined && times.pushedMs >= since && times.pushedMs >= times.failedMs) return { kind: 'stored', at: new Date(times.pushedMs - skewMs) };
      if (times !== undefined && times.failedMs >= since) return { kind: 'refused', at: new Date(times.failedMs - skewMs) };
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    const elapsed = Date.now() - started;
    // A read given less than this could not get an answer: the window is over.
    if (elapsed >= windowMs - MIN_READ_MS) {
      return answered || lastProblem === undefined ? { kind: 'not-stored', checkedForMs: elapsed } : { kind: 'unknown', reason: lastProblem };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_EVERY_MS, windowMs - elapsed)));
  }
}

export interface ReadBackContext {
  readonly method: HttpMethod;
  readonly url: string;
  readonly path: string;
  readonly attempt: number;
  readonly attempts: number;
  readonly attemptStarted: number;
  readonly failure: AttemptFailure;
  readonly transport: TransportOptions;
}

/**
 * The whole body went up and the answer did not come in time: the gateway may be storing it right
 * now. Instead of sending it again, read the group's push time back until it shows the push, a
 * refusal, or the window (long enough for a slow gateway to ingest this body) closes.
 */
export async function confirmByReadBack(get: (timeoutMs: number) => Promise<PushTimeLines>, context: ReadBackContext): Promise<{ readBack: string }> {
  const { method, url, attempt, attempts, attemptStarted, failure, transport } = context;
  const windowMs = readBackWindowMs(transport.timeoutMs, attempts - attempt);
  // The gateway takes its push time after parsing the body, so a push of this attempt is newer than its start.
  const outcome = await readBackPush(get, groupOfPath(context.path), attemptStarted, { windowMs });
  const elapsedMs = Date.now() - attemptStarted;
  const noAnswer = `${failure.message} after receiving the whole body`;
  if (outcome.kind === 'stored') {
    const readBack = `${noAnswer}, but reading the group back shows it stored the push at ${outcome.at.toISOString()}; it was not sent again`;
    transport.onAttempt?.({ attempt, attempts, method, url, problem: failure.message, elapsedMs, readBack });
    return { readBack };
  }
  transport.onAttempt?.({ attempt, attempts, method, url, problem: failure.message, elapsedMs });
  if (outcome.kind === 'refused') {
    throw new CsvPushError(
      'PUSH_REFUSED',
      `${noAnswer}; reading the group back shows it refused the push at ${outcome.at.toISOString()} (push_failure_time_seconds): check the body with --dry-run | promtool check metrics`,
    );
  }
  const notSent =
    'it was not sent again, so that the gateway does not ingest it twice; check the group before pushing again, and raise --timeout (or --retries, whose unused attempts give the read-back their time) for files this large';
  if (outcome.kind === 'not-stored') {
    throw new CsvPushError('PUSH_TIMEOUT', `${noAnswer}, and reading the group back for ${formatSeconds(outcome.checkedForMs)} more found no new push: it may still be stored later; ${notSent}`);
  }
  throw new CsvPushError('PUSH_TIMEOUT', `${noAnswer}, and the group could not be read back (${outcome.reason}): it may have been stored; ${notSent}`);
}


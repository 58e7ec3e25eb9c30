import type { Queue } from 'bull';

/** What ioredis keeps of a script defined with `defineCommand`. */
interface DefinedScript {
  lua: string;
  numberOfKeys: number | null;
}

interface ScriptingClient {
  scriptsSet: Record<string, DefinedScript | undefined>;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/**
 * The PUBLISH statements of Bull 4's per-job scripts that only feed
 * `global:*` and local `waiting` events. Nothing in this project subscribes to
 * them (no `global:` listener, no `job.finished()`, no `OnQueueWaiting`;
 * bull-board reads counts and lists), yet every login paid for them: 1 in the
 * API's addJob, 3 in the worker's moveToActive / moveToFinished (and 1 more
 * per retry, in updateDelaySet).
 *
 * Kept: the `delayed` publishes (a worker subscribes to them to wake for a
 * retry's backoff), `stalled`, `duplicated`, `debounced`, `paused`/`resumed`.
 */
export const UNHEARD_EVENT_PUBLISHES: Readonly<Record<string, readonly string[]>> = {
  // "waiting" (wait..ing@token)
  addJob: ['rcall("PUBLISH", KEYS[1] .. "ing@" .. ARGV[11], jobId)'],
  // "active" for the job it took, "drained" when it found none
  moveToActive: ['rcall("PUBLISH", KEYS[4], jobId)', 'rcall("PUBLISH", KEYS[8], "")'],
  // "completed"/"failed", and "active" for the next job it fetched
  moveToFinished: ['rcall("PUBLISH", targetSet, ARGV[7])', 'rcall("PUBLISH", KEYS[6], jobId)'],
  // "waiting" for a retry whose backoff is over (its "delayed" publish stays)
  updateDelaySet: ['rcall("PUBLISH", KEYS[3] .. "ing@" .. ARGV[3], jobId)'],
};

const REMOVED = '-- (event not published: nothing subscribes to it)';

const applied = new WeakMap<object, { lean: string[]; unchanged: string[] }>();

/**
 * `lua` without the given statements, or null when one of them is not there
 * exactly once (another Bull version: its script is then left as it is).
 */
export function withoutStatements(lua: string, statements: readonly string[]): string | null {
  let lean = lua;
  for (const statement of statements) {
    const first = lean.indexOf(statement);
    if (first === -1 || lean.indexOf(statement, first + statement.length) !== -1) return null;
    lean = lean.slice(0, first) + REMOVED + lean.slice(first + statement.length);
  }
  return lean;
}

/**
 * Redefines Bull's per-job scripts on the queue's command connection without
 * the event publishes nobody hears. Bull defines its scripts when the
 * connection is created and ioredis lets a later definition replace one, so
 * this runs before the queue adds or takes a job (module init). A script whose
 * text is not what this version of Bull ships stays Bull's own; the names of
 * the scripts that were made lean, and of those that were not, are returned.
 * Idempotent.
 */
export function useLeanQueueScripts(queue: Pick<Queue, 'client'>): { lean: string[]; unchanged: string[] } {
  const client = queue.client as unknown as ScriptingClient | undefined;
  if (!client?.scriptsSet) return { lean: [], unchanged: Object.keys(UNHEARD_EVENT_PUBLISHES) };
  const done = applied.get(client);
  if (done) return done;
  const lean: string[] = [];
  const unchanged: string[] = [];
  for (const [name, statements] of Object.entries(UNHEARD_EVENT_PUBLISHES)) {
    const script = client.scriptsSet[name];
    const lua = script && withoutStatements(script.lua, statements);
    if (!script || !lua) {
      unchanged.push(name);
      continue;
    }
    client.defineCommand(name, { lua, numberOfKeys: script.numberOfKeys ?? undefined });
    lean.push(name);
  }
  const result = { lean, unchanged };
  applied.set(client, result);
  return result;
}

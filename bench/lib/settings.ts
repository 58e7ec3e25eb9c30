import path from 'node:path';

/** The checkout the bench runs from (this file is in bench/lib/). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');
export const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
export const CHART = path.join(ROOT, 'docs', 'benchmarks-latency.svg');
/** Every process's output of the last run (not committed). */
export const LOGS = path.join(RESULTS, 'logs');
/** Raw CPU profiles (not committed; their summaries go into the results). */
export const PROFILES = path.join(RESULTS, 'profiles');

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
export const MYSQL_SERVER = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** Dropped, created and migrated at the start, dropped at the end. */
export const DATABASE = 'afl_bench';
export const DATABASE_URL = `${MYSQL_SERVER}/${DATABASE}`;
/** Every key the bench's servers write is under it (deleted at the end). */
export const REDIS_PREFIX = 'afl-bench';
export const APP_ID = '1234567890123456';
export const APP_SECRET = 'bench-app-secret-0123456789abcdef';
export const SESSION_SECRET = 'bench-session-secret-that-is-long-enough-0123';

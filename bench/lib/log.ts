/** Progress goes to stderr, so that stdout holds only the tables (and --serve's JSON line). */
export const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

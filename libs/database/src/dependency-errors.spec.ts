import { QueryFailedError } from 'typeorm';
import { isDependencyUnavailable } from './dependency-errors';

describe(isDependencyUnavailable.name, () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })],
    ['a lost MySQL connection', Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST' })],
    ['MySQL shutting down', new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { errno: 1053 }))],
    ['a deadlock', new QueryFailedError('UPDATE', [], Object.assign(new Error('x'), { errno: 1213 }))],
    ['ioredis with its offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    [
      'ioredis out of retries',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    ],
  ])('recognises %s', (_label, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { errno: 1062 }))],
    ['a bug', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('does not mistake %s for an outage', (_label, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});

import { EventEmitter } from 'node:events';
import * as mysql2 from 'mysql2';
import { UTC_SESSION_SQL, databaseIdentity, mysqlOptions, parseMysqlUrl, utcMysql2 } from './mysql-options';

describe(parseMysqlUrl.name, () => {
  it('reads host, port, credentials and database, decoding them', () => {
    expect(parseMysqlUrl('mysql://app%40x:p%2Fss@db.internal:3307/facebook_login')).toEqual({
      host: 'db.internal',
      port: 3307,
      username: 'app@x',
      password: 'p/ss',
      database: 'facebook_login',
    });
  });

  it('defaults to root on port 3306', () => {
    expect(parseMysqlUrl('mysql://127.0.0.1/db')).toMatchObject({
      username: 'root',
      port: 3306,
      password: '',
    });
  });
});

describe(databaseIdentity.name, () => {
  it('names host, port and database, never the credentials', () => {
    expect(databaseIdentity('mysql://app:s3cret@DB.Internal:3307/facebook_login')).toBe(
      'db.internal:3307/facebook_login',
    );
    expect(databaseIdentity('mariadb://127.0.0.1/afl')).toBe('127.0.0.1:3306/afl');
  });

  it('tells two databases of one server, and one database of two servers, apart', () => {
    const ids = ['mysql://root@db:3306/a', 'mysql://root@db:3306/b', 'mysql://root@db2:3306/a'].map(databaseIdentity);
    expect(new Set(ids).size).toBe(3);
  });
});

describe(mysqlOptions.name, () => {
  it('never synchronizes and always speaks utf8mb4 in UTC', () => {
    const options = mysqlOptions('mysql://root@127.0.0.1:3306/db');
    expect(options.synchronize).toBe(false);
    expect(options.charset).toBe('utf8mb4_unicode_ci');
    expect(options.timezone).toBe('Z');
    expect(options.driver).toBe(utcMysql2);
  });
});

describe('utcMysql2', () => {
  const pools: mysql2.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => new Promise((resolve) => pool.end(resolve))));
  });

  // No server needed: a pool connects only when asked for a connection.
  const pool = () => {
    const created = utcMysql2.createPool({ host: '127.0.0.1', port: 1 });
    pools.push(created);
    return created;
  };

  it('is mysql2 otherwise', () => {
    expect(utcMysql2.createPoolCluster).toBe(mysql2.createPoolCluster);
    expect(utcMysql2.escape).toBe(mysql2.escape);
  });

  it("sets the session's time zone to UTC on every new connection, before it is handed out", () => {
    const created = pool();
    expect(created).toBeInstanceOf(EventEmitter);
    const query = jest.fn();
    created.emit('connection', { query, destroy: jest.fn() });
    expect(query).toHaveBeenCalledWith(UTC_SESSION_SQL, expect.any(Function));
  });

  it('destroys a connection whose SET failed, so nothing runs on it in another zone', () => {
    const connection = { query: jest.fn(), destroy: jest.fn() };
    pool().emit('connection', connection);
    const done = connection.query.mock.calls[0][1] as (error: Error | null) => void;
    done(null);
    expect(connection.destroy).not.toHaveBeenCalled();
    done(new Error('Connection lost'));
    expect(connection.destroy).toHaveBeenCalledTimes(1);
  });
});

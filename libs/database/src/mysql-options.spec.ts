import { mysqlOptions, parseMysqlUrl } from './mysql-options';

describe(parseMysqlUrl.name, () => {
  it('reads host, port, credentials and database, decoding them', () => {
    expect(
      parseMysqlUrl('mysql://app%40x:p%2Fss@db.internal:3307/facebook_login'),
    ).toEqual({
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

describe(mysqlOptions.name, () => {
  it('never synchronizes and always speaks utf8mb4 in UTC', () => {
    const options = mysqlOptions('mysql://root@127.0.0.1:3306/db');
    expect(options.synchronize).toBe(false);
    expect(options.charset).toBe('utf8mb4_unicode_ci');
    expect(options.timezone).toBe('Z');
  });
});

import { loginQueuePrefix } from './login-queue.module';

describe(loginQueuePrefix.name, () => {
  it('namespaces the queue by REDIS_PREFIX and the database, without credentials', () => {
    expect(loginQueuePrefix('afl', 'mysql://app:s3cret@db.internal:3306/facebook_login')).toBe(
      'afl:bull:db.internal:3306/facebook_login',
    );
  });

  it('gives two deployments that share a Redis and a prefix, but not a database, two queues', () => {
    expect(loginQueuePrefix('afl', 'mysql://root@db:3306/staging')).not.toBe(
      loginQueuePrefix('afl', 'mysql://root@db:3306/production'),
    );
  });
});

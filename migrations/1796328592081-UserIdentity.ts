import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identities of providers other than Facebook, keyed by (provider, subject):
 * the article's `user_profile.facebook_id` stays where it is (and becomes
 * NULLable, for people who signed in only with another provider; its unique
 * index allows many NULLs), and each sign-in attempt names its provider
 * (existing attempts were Facebook's). An index on (email, facebook_id) lets
 * the first-sign-in check "does another profile have this e-mail?" read a
 * few index entries instead of the table (the service's SQL explains why it
 * must be cheap and locking).
 *
 * `subject` and `provider` are ASCII compared byte by byte: an OIDC `sub` is
 * case-sensitive ASCII of at most 255 characters, and a case-insensitive key
 * would let "abc" sign in as "ABC".
 *
 * Existing rows are kept both ways. `down` refuses while any profile has no
 * facebook_id: the old schema cannot hold such a person and a revert never
 * deletes people. Reverting does drop the other providers' identities of
 * profiles that do have a facebook_id (those people keep their Facebook
 * sign-in) and the attempts' provider column.
 */
export class UserIdentity1796328592081 implements MigrationInterface {
  name = 'UserIdentity1796328592081';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`user_identity\` (
        \`id\` int unsigned NOT NULL AUTO_INCREMENT,
        \`user_profile_id\` int unsigned NOT NULL,
        \`provider\` varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        \`subject\` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_user_identity_provider_subject\` (\`provider\`, \`subject\`),
        INDEX \`IDX_user_identity_user_profile\` (\`user_profile_id\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_user_identity_user_profile\` FOREIGN KEY (\`user_profile_id\`)
          REFERENCES \`user_profile\` (\`id\`) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query('ALTER TABLE `user_profile` MODIFY `facebook_id` varchar(64) NULL');
    await queryRunner.query('CREATE INDEX `IDX_user_profile_email` ON `user_profile` (`email`, `facebook_id`)');
    await queryRunner.query("ALTER TABLE `async_operation` ADD `provider` varchar(32) NOT NULL DEFAULT 'facebook'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ count }] = (await queryRunner.query(
      'SELECT COUNT(*) AS count FROM `user_profile` WHERE `facebook_id` IS NULL',
    )) as Array<{ count: string | number }>;
    const withoutFacebook = Number(count);
    if (withoutFacebook > 0) {
      throw new Error(
        `Cannot revert ${this.name}: ${withoutFacebook} user_profile row(s) have no facebook_id ` +
          '(people who signed in only with a provider other than Facebook). The previous schema ' +
          'requires facebook_id, and a revert does not delete people: delete those profiles, or link ' +
          'a Facebook identity to them, before reverting.',
      );
    }
    // First the step that can fail (a profile without facebook_id created since the count), so a
    // failed revert has dropped nothing. Strict SQL mode (MariaDB's default) refuses the NULL.
    await queryRunner.query('ALTER TABLE `user_profile` MODIFY `facebook_id` varchar(64) NOT NULL');
    await queryRunner.query('DROP INDEX `IDX_user_profile_email` ON `user_profile`');
    await queryRunner.query('ALTER TABLE `async_operation` DROP COLUMN `provider`');
    await queryRunner.query('DROP TABLE `user_identity`');
  }
}

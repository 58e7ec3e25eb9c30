import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The host's own table, created by the host's own migration: `synchronize`
 * is off everywhere, so an entity of the host (Welcome) has a table only
 * once a migration made it. In a host app this class goes into the one
 * DataSource's migration list (`migrations/index.ts` → MIGRATIONS), after
 * the project's own: the foreign key needs `user_profile`.
 *
 * ON DELETE CASCADE: when a profile is deleted (Facebook's data-deletion
 * callback deletes it), the host's rows about that person go with it.
 */
export class HostWelcome1796400000000 implements MigrationInterface {
  name = 'HostWelcome1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`welcome\` (
        \`user_profile_id\` int unsigned NOT NULL,
        \`operation_id\` char(22) NOT NULL,
        \`provider\` varchar(32) NOT NULL,
        \`message\` varchar(600) NOT NULL,
        \`welcomed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`user_profile_id\`),
        CONSTRAINT \`FK_welcome_user_profile\` FOREIGN KEY (\`user_profile_id\`)
          REFERENCES \`user_profile\` (\`id\`) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `welcome`');
  }
}

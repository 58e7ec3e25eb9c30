import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `member` table of the host (see HostWelcome1796400000000 for where a
 * host's migrations go). Deleted with the profile it extends.
 */
export class HostMember1796400000001 implements MigrationInterface {
  name = 'HostMember1796400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`member\` (
        \`user_profile_id\` int unsigned NOT NULL,
        \`display_name\` varchar(512) NULL,
        \`birthday\` date NULL,
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`user_profile_id\`),
        CONSTRAINT \`FK_member_user_profile\` FOREIGN KEY (\`user_profile_id\`)
          REFERENCES \`user_profile\` (\`id\`) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `member`');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The article's three tables (user_profile, async_operation_status,
 * async_operation) with what a real system needs on top: public ids,
 * timestamps, attempts, an error code and message, the owning session and a
 * deadline. utf8mb4 throughout, so emoji and accents are stored whole.
 */
export class InitialSchema1764576000000 implements MigrationInterface {
  name = 'InitialSchema1764576000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`user_profile\` (
        \`id\` int unsigned NOT NULL AUTO_INCREMENT,
        \`public_id\` char(22) NOT NULL,
        \`facebook_id\` varchar(64) NOT NULL,
        \`first_name\` varchar(512) NULL,
        \`last_name\` varchar(512) NULL,
        \`email\` varchar(320) NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_user_profile_public_id\` (\`public_id\`),
        UNIQUE INDEX \`UQ_user_profile_facebook_id\` (\`facebook_id\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE \`async_operation_status\` (
        \`id\` tinyint unsigned NOT NULL,
        \`code\` varchar(16) NOT NULL,
        UNIQUE INDEX \`UQ_async_operation_status_code\` (\`code\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(
      "INSERT INTO `async_operation_status` (`id`, `code`) VALUES (1, 'pending'), (2, 'ok'), (3, 'error')",
    );
    await queryRunner.query(`
      CREATE TABLE \`async_operation\` (
        \`id\` bigint unsigned NOT NULL AUTO_INCREMENT,
        \`public_id\` char(22) NOT NULL,
        \`async_operation_status_id\` tinyint unsigned NOT NULL,
        \`user_profile_id\` int unsigned NULL,
        \`session_id_hash\` char(64) NOT NULL,
        \`attempts\` smallint unsigned NOT NULL DEFAULT 0,
        \`error_code\` varchar(64) NULL,
        \`error_message\` varchar(500) NULL,
        \`deadline_at\` datetime(3) NOT NULL,
        \`finished_at\` datetime(3) NULL,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_async_operation_public_id\` (\`public_id\`),
        INDEX \`IDX_async_operation_status_deadline\` (\`async_operation_status_id\`, \`deadline_at\`),
        INDEX \`IDX_async_operation_user_profile\` (\`user_profile_id\`),
        PRIMARY KEY (\`id\`),
        CONSTRAINT \`FK_async_operation_status\` FOREIGN KEY (\`async_operation_status_id\`)
          REFERENCES \`async_operation_status\` (\`id\`) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT \`FK_async_operation_user_profile\` FOREIGN KEY (\`user_profile_id\`)
          REFERENCES \`user_profile\` (\`id\`) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `async_operation`');
    await queryRunner.query('DROP TABLE `async_operation_status`');
    await queryRunner.query('DROP TABLE `user_profile`');
  }
}

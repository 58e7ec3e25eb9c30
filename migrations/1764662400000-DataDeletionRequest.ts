import { MigrationInterface, QueryRunner } from 'typeorm';

/** Facebook Data Deletion Requests, so a person can check one's status by its confirmation code. */
export class DataDeletionRequest1764662400000 implements MigrationInterface {
  name = 'DataDeletionRequest1764662400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`data_deletion_request\` (
        \`id\` int unsigned NOT NULL AUTO_INCREMENT,
        \`confirmation_code\` char(22) NOT NULL,
        \`profile_found\` tinyint NOT NULL,
        \`completed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        UNIQUE INDEX \`UQ_data_deletion_request_confirmation_code\` (\`confirmation_code\`),
        PRIMARY KEY (\`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `data_deletion_request`');
  }
}

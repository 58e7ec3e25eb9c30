import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in history: the browser (User-Agent) and the client address of each
 * attempt, an index for linking a session's failed attempts to the person who
 * then signed in, and one for pruning attempts past the retention period.
 */
export class SignInHistory1796116721859 implements MigrationInterface {
  name = 'SignInHistory1796116721859';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`async_operation\`
        ADD \`user_agent\` varchar(512) NULL,
        ADD \`client_ip\` varchar(45) NULL`);
    await queryRunner.query(
      'CREATE INDEX `IDX_async_operation_session_id_hash` ON `async_operation` (`session_id_hash`)',
    );
    await queryRunner.query('CREATE INDEX `IDX_async_operation_created_at` ON `async_operation` (`created_at`)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `IDX_async_operation_created_at` ON `async_operation`');
    await queryRunner.query('DROP INDEX `IDX_async_operation_session_id_hash` ON `async_operation`');
    await queryRunner.query('ALTER TABLE `async_operation` DROP COLUMN `client_ip`, DROP COLUMN `user_agent`');
  }
}

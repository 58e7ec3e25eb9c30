import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a person declined on Facebook's dialog (`["email"]`: they kept their
 * e-mail to themselves) and granted, and their profile picture's URL, on
 * `user_profile`. All NULLable: existing rows keep everything and read as
 * "nothing declined, no picture" until their next sign-in. `down` drops the
 * three columns only (what they held is Facebook's to give again at the next sign-in).
 */
export class DeclinedPermissionsAndPicture1796350000000 implements MigrationInterface {
  name = 'DeclinedPermissionsAndPicture1796350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE \`user_profile\`
        ADD \`declined_permissions\` text NULL,
        ADD \`granted_permissions\` text NULL,
        ADD \`picture_url\` varchar(2048) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `user_profile` DROP COLUMN `picture_url`, DROP COLUMN `granted_permissions`, DROP COLUMN `declined_permissions`',
    );
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { DataDeletionRequest } from './data-deletion-request.entity';
import { IdentityInUseError, IdentityNotLinkedError } from './identity-errors';
import {
  FACEBOOK_PROVIDER,
  assertValidIdentity,
  linkDecision,
  matchableEmail,
  orderProviders,
  type ProviderIdentity,
} from './provider-identity';
import { newPublicId } from './public-id';
import { UserProfile, toUserView, type StoredUserView, type UserView } from './user-profile.entity';

/** The profile fields we keep from Facebook's `/me`. */
export interface FacebookProfile {
  facebookId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** What the person declined on the dialog (`['email']`); absent: unknown, the stored list is kept. */
  declinedPermissions?: readonly string[];
  /** What the person granted (`['public_profile', 'email']`); absent: unknown, the stored list is kept. */
  grantedPermissions?: readonly string[];
  pictureUrl?: string | null;
}

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
/** Tries of one sign-in or link when InnoDB picks it as a deadlock victim or a racing first sign-in wins. */
const MAX_ATTEMPTS = 6;
/** Up to this many ms × the attempt number, at random, before a deadlock victim tries again. */
const DEADLOCK_BACKOFF_MS = 10;

/**
 * What a Facebook sign-in refreshes: names and picture follow Facebook; the
 * e-mail too when Facebook gives one (a declined e-mail keeps the address the
 * profile already has, from another provider or an earlier grant); the
 * granted and declined permissions too (a sign-in that grants the e-mail
 * clears its decline), unless this answer did not say (NULL keeps the stored lists).
 */
const REFRESH_FROM_FACEBOOK = `
    first_name = VALUES(first_name), last_name = VALUES(last_name), email = COALESCE(VALUES(email), email),
    declined_permissions = COALESCE(VALUES(declined_permissions), declined_permissions),
    granted_permissions = COALESCE(VALUES(granted_permissions), granted_permissions),
    picture_url = VALUES(picture_url)`;

/** The public id is kept from the first insert; the rest follows Facebook. */
const UPSERT_FROM_FACEBOOK = `
  INSERT INTO user_profile
    (public_id, facebook_id, first_name, last_name, email, declined_permissions, granted_permissions, picture_url)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE ${REFRESH_FROM_FACEBOOK},
    id = LAST_INSERT_ID(id)`;

/**
 * `user_profile.id` is int unsigned, so every id is below 2^32: the Facebook
 * sign-in's upsert reports an existing row's id plus this, a new row's id as is.
 */
const EXISTING_ROW = 2 ** 32;

/**
 * UPSERT_FROM_FACEBOOK, telling an update from an insert: on a duplicate
 * facebook_id, LAST_INSERT_ID(id + 2^32) makes MySQL report the existing
 * id + 2^32 as the insert id (and `- 2^32` leaves the column as it was); a
 * new row reports its own id, below 2^32. mysql2 counts an unchanged
 * duplicate as one affected row, like an insert, so affectedRows cannot tell.
 */
const SIGN_IN_WITH_FACEBOOK = `
  INSERT INTO user_profile
    (public_id, facebook_id, first_name, last_name, email, declined_permissions, granted_permissions, picture_url)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE ${REFRESH_FROM_FACEBOOK},
    id = LAST_INSERT_ID(id + ${EXISTING_ROW}) - ${EXISTING_ROW}`;

/**
 * E-mails match case-insensitively: `email = ?` finds the candidates in
 * IDX_user_profile_email under the column's collation (which also ignores
 * accents), the binary comparison of the lower-cased forms keeps only those
 * that differ by case alone.
 */
const SAME_EMAIL = (column: string, value: string) =>
  `${column} = ${value} AND LOWER(${column}) COLLATE utf8mb4_bin = LOWER(${value}) COLLATE utf8mb4_bin`;

/**
 * Removes the profile this sign-in has just created (by id and the public id
 * it chose) if another profile has its e-mail. A locking read of the other
 * profiles' index entries, in the same statement as the delete.
 */
const REMOVE_IF_EMAIL_TAKEN = `
  DELETE created FROM user_profile created
  JOIN user_profile other ON ${SAME_EMAIL('other.email', 'created.email')} AND other.id <> created.id
  WHERE created.id = ? AND created.public_id = ?`;

const FIND_IDENTITY = 'SELECT user_profile_id FROM user_identity WHERE provider = ? AND subject = ?';
const FIND_IDENTITY_LOCKING = `${FIND_IDENTITY} LOCK IN SHARE MODE`;
/** A shared lock on the e-mail's index entries, or on the gap where they would be. */
const EMAIL_TAKEN = `SELECT id FROM user_profile WHERE ${SAME_EMAIL('email', '?')} LIMIT 1 LOCK IN SHARE MODE`;
const REFRESH_PROFILE = 'UPDATE user_profile SET first_name = ?, last_name = ?, email = ? WHERE id = ?';
const INSERT_PROFILE = `
  INSERT INTO user_profile (public_id, facebook_id, first_name, last_name, email) VALUES (?, NULL, ?, ?, ?)`;
const INSERT_IDENTITY = 'INSERT INTO user_identity (user_profile_id, provider, subject) VALUES (?, ?, ?)';
const LOCK_PROFILE = 'SELECT facebook_id FROM user_profile WHERE id = ? FOR UPDATE';
/** The identity's row, and the profile's rows at the same provider: both by an index. */
const IDENTITIES_TO_LINK = `
  SELECT user_profile_id, subject FROM user_identity WHERE provider = ? AND subject = ?
  UNION ALL
  SELECT user_profile_id, subject FROM user_identity WHERE user_profile_id = ? AND provider = ?`;
const PROVIDERS_OF = `
  SELECT 'facebook' AS provider FROM user_profile WHERE id = ? AND facebook_id IS NOT NULL
  UNION ALL
  SELECT provider FROM user_identity WHERE user_profile_id = ?`;

/** Aliased to the entity's property names: the row is what toUserView takes. */
const VIEW_OF = `
  SELECT public_id AS publicId, first_name AS firstName, last_name AS lastName, email,
    declined_permissions AS declinedPermissions, picture_url AS pictureUrl
  FROM user_profile WHERE id = ?`;

interface WriteResult {
  insertId: number | string;
  affectedRows: number;
}

/** A racing sign-in changed what this one read (it won the identity's unique key): start again. */
class IdentityRace extends Error {
  constructor() {
    super('A concurrent sign-in of the same identity kept changing what this one read');
  }
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserProfile)
    private readonly users: Repository<UserProfile>,
    private readonly dataSource: DataSource,
  ) {}

  findById(id: number): Promise<UserProfile | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * What the API shows of a profile, by its row id, as stored: after a
   * sign-in's write, the one read that builds its view (one indexed row,
   * written out: TypeORM's findOneBy costs more CPU than the query itself
   * here). Null if the profile is gone.
   */
  async viewOf(id: number): Promise<UserView | null> {
    const rows = await this.users.query<Array<StoredUserView>>(VIEW_OF, [id]);
    return rows[0] ? toUserView(rows[0]) : null;
  }

  findByFacebookId(facebookId: string): Promise<UserProfile | null> {
    return this.users.findOneBy({ facebookId });
  }

  /**
   * Inserts or refreshes the profile of a Facebook user in one statement
   * (INSERT … ON DUPLICATE KEY UPDATE on the unique facebook_id), so two first
   * logins of the same person that race still leave exactly one row. Returns
   * the profile's id: `id = LAST_INSERT_ID(id)` makes MySQL report the
   * existing row's id on an update too, so no second read is needed.
   *
   * Facebook only, and without the account-linking policy (a first sign-in
   * whose e-mail another profile has is not refused): signInWithIdentity is
   * the sign-in that applies it.
   */
  async upsertFromFacebook(profile: FacebookProfile): Promise<number> {
    const write = () =>
      this.users.query<{ insertId: number }>(UPSERT_FROM_FACEBOOK, [
        newPublicId(),
        profile.facebookId,
        profile.firstName,
        profile.lastName,
        profile.email,
        permissionsParam(profile.declinedPermissions),
        permissionsParam(profile.grantedPermissions),
        profile.pictureUrl ?? null,
      ]);
    let result: { insertId: number };
    try {
      result = await write();
    } catch (error) {
      // InnoDB may pick one of two racing upserts as a deadlock victim; it is safe to repeat.
      if (!isDeadlock(error)) throw error;
      result = await write();
    }
    return result.insertId;
  }

  /**
   * The `user_profile.id` of the person a provider vouches for.
   *
   * - A known identity signs its profile in; names and e-mail are refreshed
   *   from the provider.
   * - An unknown identity whose e-mail (case-insensitive) another profile has
   *   is refused with IdentityNotLinkedError: never linked silently.
   * - Otherwise a profile is created with the identity, race-safe on the
   *   unique keys: concurrent first sign-ins of one identity leave one profile.
   *
   * With `linkTo` (the signed-in user's id; absent or null: a sign-in) the identity is attached to that
   * profile instead, whatever its e-mail; names and e-mail are left alone.
   * Linking it again is a no-op; an identity of another profile, or a second
   * identity at one provider, is refused with IdentityInUseError.
   *
   * Facebook's identity is the article's `user_profile.facebook_id`; other
   * providers' are `user_identity` rows.
   */
  async signInWithIdentity(identity: ProviderIdentity, options: { linkTo?: number | null } = {}): Promise<number> {
    assertValidIdentity(identity);
    const facebook = identity.provider === FACEBOOK_PROVIDER;
    // null as well as absent: a job's data that went through JSON may carry `linkTo: null`.
    if (options.linkTo !== undefined && options.linkTo !== null) {
      const linkTo = options.linkTo;
      return this.withRetries(() =>
        facebook ? this.linkFacebook(identity.subject, linkTo) : this.linkIdentity(identity, linkTo),
      );
    }
    return facebook ? this.signInWithFacebook(identity) : this.withRetries(() => this.signInElsewhere(identity));
  }

  /** The providers a profile can sign in with: 'facebook' first if it has a facebook_id, then the others by id. */
  async providersOf(userProfileId: number): Promise<string[]> {
    const rows = await this.users.query<Array<{ provider: string }>>(PROVIDERS_OF, [userProfileId, userProfileId]);
    return orderProviders(rows.map((row) => row.provider));
  }

  /**
   * Facebook's data deletion: removes the profile (its sign-in history and
   * its other providers' identities go with it, by ON DELETE CASCADE) and
   * records the request, in one transaction. A profile without a facebook_id
   * is never found here.
   */
  async deleteByFacebookId(facebookId: string): Promise<DeletionResult> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(UserProfile, {
        where: { facebookId },
        lock: { mode: 'pessimistic_write' },
      });
      if (user) await manager.delete(UserProfile, { id: user.id });
      const request = manager.create(DataDeletionRequest, {
        confirmationCode: newPublicId(),
        profileFound: Boolean(user),
      });
      await manager.save(request);
      return { confirmationCode: request.confirmationCode, deletedUserId: user?.id ?? null };
    });
  }

  findDeletionRequest(confirmationCode: string): Promise<DataDeletionRequest | null> {
    return this.dataSource.getRepository(DataDeletionRequest).findOneBy({ confirmationCode });
  }

  /**
   * A Facebook sign-in: one statement for a returning person, the hot path
   * (the upsert of upsertFromFacebook, telling an update from an insert).
   * Only a row that statement has just inserted is checked for its e-mail,
   * by a second statement that deletes it again if another profile has the
   * e-mail, and the sign-in is refused.
   *
   * Why not one conditional INSERT … SELECT … WHERE NOT EXISTS: with
   * InnoDB's default innodb_autoinc_lock_mode (1) an INSERT … SELECT holds
   * the table's AUTO-INC lock to its end, and in REPEATABLE READ its SELECT
   * takes shared gap locks on the e-mail index, so every returning sign-in
   * would serialise on the table lock and a burst of first sign-ins
   * deadlocks (measured here: a third of 400 concurrent first sign-ins, and
   * the deadlock surfaces as ER_AUTOINC_READ_FAILED, not as one).
   *
   * Race-safety: two first sign-ins of the same account meet on the unique
   * facebook_id (one inserts, the other updates that row). A first Facebook
   * sign-in racing another provider's with the same e-mail: either the other
   * provider's locking e-mail read (signInElsewhere) comes first and this
   * INSERT waits on its gap lock until it commits, so the check below sees
   * its profile; or this row is committed first and the other sees it. Two
   * new Facebook accounts with one e-mail whose checks overlap lock each
   * other's index entries; InnoDB picks a victim, which tries again after
   * the winner's delete and keeps its own row. What this leaves open: for
   * the moment between the two statements the row exists, so a second,
   * concurrent first sign-in of the same account can sign it in before it
   * is deleted (its operation then fails on the vanished row and is
   * retried, refused). A failure between the two statements leaves the new
   * profile in place. Either way the worst is a separate profile of the
   * same account, never an identity attached to someone else's profile.
   */
  private async signInWithFacebook(identity: ProviderIdentity): Promise<number> {
    const publicId = newPublicId();
    const result = await this.withRetries(() =>
      this.users.query<WriteResult>(SIGN_IN_WITH_FACEBOOK, [
        publicId,
        identity.subject,
        identity.firstName,
        identity.lastName,
        identity.email,
        permissionsParam(identity.declinedPermissions),
        permissionsParam(identity.grantedPermissions),
        identity.pictureUrl ?? null,
      ]),
    );
    const reported = Number(result.insertId);
    if (!(reported > 0))
      throw new Error(`The Facebook sign-in's upsert reported no row (insert id ${result.insertId})`);
    if (reported >= EXISTING_ROW) return reported - EXISTING_ROW;
    if (matchableEmail(identity.email) === null) return reported;
    const removed = await this.withRetries(() =>
      this.users.query<WriteResult>(REMOVE_IF_EMAIL_TAKEN, [reported, publicId]),
    );
    if (removed.affectedRows > 0) throw new IdentityNotLinkedError(FACEBOOK_PROVIDER);
    return reported;
  }

  /**
   * A sign-in with a provider other than Facebook: a returning person costs
   * a read of the identity and the refresh. A first sign-in runs in one
   * transaction: a locking read of the e-mail's index entries (a concurrent
   * first sign-in with the same e-mail, of any provider, waits for it or
   * deadlocks with it and tries again, so it sees this one's profile), the
   * profile, then the identity, whose unique key a racing first sign-in of
   * the same identity may have won: then all is rolled back and the next
   * try finds the winner's identity.
   */
  private async signInElsewhere(identity: ProviderIdentity): Promise<number> {
    const { provider, subject } = identity;
    const known = await this.users.query<Array<{ user_profile_id: number }>>(FIND_IDENTITY, [provider, subject]);
    if (known.length > 0) {
      const id = known[0].user_profile_id;
      const refreshed = await this.users.query<WriteResult>(REFRESH_PROFILE, this.refreshParams(identity, id));
      // Zero: the profile was deleted since the read (its identity with it).
      if (refreshed.affectedRows > 0) return id;
      throw new IdentityRace();
    }
    return this.dataSource.transaction(async (manager) => {
      const email = matchableEmail(identity.email);
      if (email !== null) {
        const taken = await manager.query<unknown[]>(EMAIL_TAKEN, [email, email]);
        if (taken.length > 0) {
          // The profile with this e-mail may be this identity's own, created a moment ago by a racing sign-in.
          const owner = await manager.query<Array<{ user_profile_id: number }>>(FIND_IDENTITY_LOCKING, [
            provider,
            subject,
          ]);
          if (owner.length === 0) throw new IdentityNotLinkedError(provider);
          const id = owner[0].user_profile_id;
          await manager.query(REFRESH_PROFILE, this.refreshParams(identity, id));
          return id;
        }
      }
      const profile = await manager.query<WriteResult>(INSERT_PROFILE, [
        newPublicId(),
        identity.firstName,
        identity.lastName,
        identity.email,
      ]);
      const id = Number(profile.insertId);
      await this.insertIdentity(manager, id, provider, subject, () => new IdentityRace());
      return id;
    });
  }

  /** Sets the profile's facebook_id if it has none; the profile's row lock orders links to it. */
  private linkFacebook(subject: string, linkTo: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const facebookId = await this.lockProfile(manager, linkTo, FACEBOOK_PROVIDER);
      if (facebookId === subject) return linkTo;
      if (facebookId !== null) {
        throw new IdentityInUseError(FACEBOOK_PROVIDER, 'this profile already has another facebook identity');
      }
      try {
        await manager.query('UPDATE user_profile SET facebook_id = ? WHERE id = ?', [subject, linkTo]);
      } catch (error) {
        if (isDuplicateKey(error)) throw new IdentityInUseError(FACEBOOK_PROVIDER);
        throw error;
      }
      return linkTo;
    });
  }

  /**
   * Adds a `user_identity` row to the profile. The profile's row lock orders
   * links to one profile (so it never gets two identities at a provider);
   * the identity's unique key settles a race with anyone else's sign-in.
   */
  private linkIdentity(identity: ProviderIdentity, linkTo: number): Promise<number> {
    const { provider, subject } = identity;
    return this.dataSource.transaction(async (manager) => {
      await this.lockProfile(manager, linkTo, provider);
      const rows = await manager.query<Array<{ user_profile_id: number; subject: string }>>(IDENTITIES_TO_LINK, [
        provider,
        subject,
        linkTo,
        provider,
      ]);
      const decision = linkDecision(
        rows.map((row) => ({ userProfileId: Number(row.user_profile_id), subject: row.subject })),
        linkTo,
        subject,
      );
      switch (decision) {
        case 'already-linked':
          return linkTo;
        case 'owned-by-another':
          throw new IdentityInUseError(provider);
        case 'profile-has-another':
          throw new IdentityInUseError(provider, `this profile already has another ${provider} identity`);
        case 'link':
          await this.insertIdentity(manager, linkTo, provider, subject, () => new IdentityInUseError(provider));
          return linkTo;
      }
    });
  }

  /** Locks the profile's row for the transaction and answers its facebook_id; a missing profile is an error. */
  private async lockProfile(manager: EntityManager, id: number, provider: string): Promise<string | null> {
    const rows = await manager.query<Array<{ facebook_id: string | null }>>(LOCK_PROFILE, [id]);
    if (rows.length === 0) throw new Error(`No user_profile ${id} to link ${provider} to`);
    return rows[0].facebook_id;
  }

  private async insertIdentity(
    manager: EntityManager,
    userProfileId: number,
    provider: string,
    subject: string,
    whenTaken: () => Error,
  ): Promise<void> {
    try {
      await manager.query(INSERT_IDENTITY, [userProfileId, provider, subject]);
    } catch (error) {
      if (isDuplicateKey(error)) throw whenTaken();
      throw error;
    }
  }

  private refreshParams(identity: ProviderIdentity, id: number): unknown[] {
    return [identity.firstName, identity.lastName, identity.email, id];
  }

  /** Runs `attempt` again when InnoDB chose it as a deadlock victim or a racing sign-in won, a bounded number of times. */
  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const deadlock = isDeadlock(error);
        if (tries >= MAX_ATTEMPTS || !(deadlock || error instanceof IdentityRace)) throw error;
        // Deadlock victims that start again at once tend to meet again.
        if (deadlock) await sleep(Math.random() * DEADLOCK_BACKOFF_MS * tries);
      }
    }
  }
}

export interface DeletionResult {
  confirmationCode: string;
  /** The internal id of the deleted profile, to end its sessions; null if none was stored. */
  deletedUserId: number | null;
}

/** The JSON the column holds (sorted, each once), or NULL when the provider did not say. */
function permissionsParam(permissions: readonly string[] | undefined): string | null {
  return permissions === undefined ? null : JSON.stringify([...new Set(permissions)].sort());
}

function errnoOf(error: unknown): number | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { errno?: number } | undefined)?.errno : undefined;
}

function isDeadlock(error: unknown): boolean {
  return errnoOf(error) === ER_LOCK_DEADLOCK;
}

function isDuplicateKey(error: unknown): boolean {
  return errnoOf(error) === ER_DUP_ENTRY;
}

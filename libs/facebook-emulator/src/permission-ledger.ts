/** One person's answer to an app, as `GET /me/permissions` reports it. */
export interface PermissionRecord {
  granted: readonly string[];
  declined: readonly string[];
}

/**
 * What each test user granted and declined to each app, across dialogs, as
 * Facebook remembers it: a permission declined once is not asked again
 * unless the app re-requests it (`auth_type=rerequest`), and granting it
 * later clears the decline.
 */
export class PermissionLedger {
  private records = new Map<string, { granted: Set<string>; declined: Set<string> }>();

  /** Applies one dialog's answer and returns the person's record as it now stands. */
  record(appId: string, userId: string, granted: readonly string[], declined: readonly string[]): PermissionRecord {
    const key = keyOf(appId, userId);
    const entry = this.records.get(key) ?? {
      granted: new Set<string>(['public_profile']),
      declined: new Set<string>(),
    };
    for (const permission of granted) {
      entry.granted.add(permission);
      entry.declined.delete(permission);
    }
    for (const permission of declined) {
      // public_profile cannot be declined: the dialog has no checkbox for it.
      if (permission === 'public_profile') continue;
      entry.declined.add(permission);
      entry.granted.delete(permission);
    }
    this.records.set(key, entry);
    return snapshot(entry);
  }

  get(appId: string, userId: string): PermissionRecord {
    const entry = this.records.get(keyOf(appId, userId));
    return entry ? snapshot(entry) : { granted: [], declined: [] };
  }

  /** A deleted user's answers go with them. */
  forgetUser(userId: string): void {
    for (const key of this.records.keys()) {
      if (key.endsWith(`:${userId}`)) this.records.delete(key);
    }
  }

  clear(): void {
    this.records = new Map();
  }
}

function keyOf(appId: string, userId: string): string {
  return `${appId}:${userId}`;
}

function snapshot(entry: { granted: Set<string>; declined: Set<string> }): PermissionRecord {
  return { granted: [...entry.granted], declined: [...entry.declined] };
}

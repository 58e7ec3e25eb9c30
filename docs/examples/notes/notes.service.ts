import { Injectable } from '@nestjs/common';

export interface Note {
  text: string;
  createdAt: string;
}

/**
 * The host's notes, per person. Kept in memory to keep the example about
 * the guard; a real host keeps them in its own table keyed by
 * user_profile.id, as the members example does.
 */
@Injectable()
export class NotesService {
  private readonly byUser = new Map<number, Note[]>();

  list(userProfileId: number): readonly Note[] {
    return this.byUser.get(userProfileId) ?? [];
  }

  add(userProfileId: number, text: string): Note {
    const note = { text, createdAt: new Date().toISOString() };
    this.byUser.set(userProfileId, [...this.list(userProfileId), note]);
    return note;
  }
}

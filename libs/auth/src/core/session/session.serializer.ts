import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';

type Done = (error: Error | null, user?: Express.User | false) => void;

/** The session holds only the internal user id; the user is loaded when a route needs it. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: Express.User, done: Done): void {
    done(null, { id: user.id });
  }

  deserializeUser(payload: { id?: unknown }, done: Done): void {
    done(null, typeof payload?.id === 'number' ? { id: payload.id } : false);
  }
}

import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

/** Lets signed-in sessions through; everyone else gets 401. */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    // Optional call: on a route without the session middleware passport is absent, and that is signed out.
    if (req.isAuthenticated?.()) return true;
    throw new UnauthorizedException('Sign in first');
  }
}

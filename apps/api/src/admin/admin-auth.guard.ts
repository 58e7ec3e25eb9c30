import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { ApiEnv } from '@app/config';
import { ADMIN_REALM, adminCredentials, basicAuthMatches, type AdminCredentials } from './admin-credentials';

/** HTTP basic auth with ADMIN_USER / ADMIN_PASSWORD; a 401 carries the challenge. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly credentials: AdminCredentials | null;

  constructor(config: ConfigService<ApiEnv, true>) {
    this.credentials = adminCredentials({
      ADMIN_USER: config.get('ADMIN_USER', { infer: true }),
      ADMIN_PASSWORD: config.get('ADMIN_PASSWORD', { infer: true }),
    });
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (this.credentials && basicAuthMatches(req.get('authorization'), this.credentials)) return true;
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', ADMIN_REALM);
    throw new UnauthorizedException('Admin credentials required');
  }
}

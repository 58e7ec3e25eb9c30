import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type { ApiEnv } from '@app/config';

/**
 * CSRF defence for state-changing POSTs, on top of SameSite=Lax cookies:
 * a browser request must come from our own origin. Browsers send
 * `Sec-Fetch-Site` and `Origin` on every fetch POST; clients that send
 * neither (curl, server-to-server) carry no ambient cookies to abuse.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  private readonly origin: string;

  constructor(config: ConfigService<ApiEnv, true>) {
    this.origin = new URL(config.get('PUBLIC_URL', { infer: true })).origin;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    if (site !== undefined && site !== 'same-origin') throw this.refuse();
    if (origin !== undefined && origin !== this.origin) throw this.refuse();
    return true;
  }

  private refuse(): ForbiddenException {
    return new ForbiddenException('Cross-site request refused');
  }
}

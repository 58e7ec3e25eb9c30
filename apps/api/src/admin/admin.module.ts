import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import type { NextFunction, Request, Response } from 'express';
import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  NotFoundException,
  RequestMethod,
} from '@nestjs/common';
import { OperationHistoryModule } from '@app/async-operations/history';
import { EXCHANGE_QUEUE } from '@app/auth';
import { allowInlineStyles } from '../ops/inline-styles-csp.middleware';
import { AdminOperationsController } from './admin-operations.controller';
import { adminCredentials, basicAuthMiddleware } from './admin-credentials';
import { ReadOnlyExchangeQueueAdapter, readOnlyDashboard } from './queue-dashboard';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Everything under /admin answers 404 while the admin routes are off (and the SPA fallback never sees it). */
@Module({})
class AdminOffModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(() => {
        // Thrown, not passed to next(): Nest answers with its usual JSON 404.
        throw new NotFoundException();
      })
      .forRoutes({ path: 'admin', method: RequestMethod.ALL }, { path: 'admin/{*path}', method: RequestMethod.ALL });
  }
}

/**
 * The support routes, only when ADMIN_USER and ADMIN_PASSWORD are both set,
 * behind HTTP basic auth: the Bull queue dashboard at /admin/queues (read-only,
 * job data redacted) and the attempts at /admin/operations. Never open by default.
 */
@Module({})
export class AdminModule {
  static forRoot(env: { ADMIN_USER?: string; ADMIN_PASSWORD?: string }): DynamicModule {
    const credentials = adminCredentials(env);
    if (!credentials) return { module: AdminModule, imports: [AdminOffModule] };
    const requireAdmin = basicAuthMiddleware(credentials);
    return {
      module: AdminModule,
      imports: [
        OperationHistoryModule,
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_PATH,
          adapter: ExpressAdapter,
          // The dashboard's UI styles inline; its scripts are files of its own origin.
          // Credentials first (a stranger learns nothing), then reads only.
          middleware: (req: Request, res: Response, next: NextFunction) =>
            allowInlineStyles(req, res, () => requireAdmin(req, res, () => readOnlyDashboard(req, res, next))),
          boardOptions: { uiConfig: { boardTitle: 'async-facebook-login' } },
        }),
        BullBoardModule.forFeature({
          name: EXCHANGE_QUEUE,
          adapter: ReadOnlyExchangeQueueAdapter,
        }),
      ],
      controllers: [AdminOperationsController],
    };
  }
}

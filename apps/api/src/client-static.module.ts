import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Response } from 'express';

/** client/dist, three levels up from both apps/api/src and dist/apps/api. */
export const CLIENT_DIST = join(__dirname, '..', '..', '..', 'client', 'dist');

/**
 * The built SPA on the API's origin, with history-mode fallback: hashed
 * assets are cached for a year, index.html never.
 */
@Module({})
export class ClientStaticModule {
  static forRoot(enabled: boolean, root = CLIENT_DIST): DynamicModule {
    if (!enabled) return { module: ClientStaticModule };
    if (!existsSync(join(root, 'index.html'))) {
      new Logger(ClientStaticModule.name).warn(`No built SPA at ${root}: run \`npm run build\` to serve it`);
      return { module: ClientStaticModule };
    }
    return {
      module: ClientStaticModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: root,
          exclude: ['/api/{*path}', '/auth/{*path}'],
          serveStaticOptions: {
            index: false,
            setHeaders: (res: Response, path: string) => {
              if (/[\\/]assets[\\/]/.test(path)) {
                res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
              } else {
                res.setHeader('Cache-Control', 'no-cache');
              }
            },
          },
        }),
      ],
    };
  }
}

import {
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { BaseEnv } from '@app/config';
import { METRICS_TOKEN_REQUIRED_MESSAGE, metricsAccess } from './metrics-access';
import { MetricsRegistry } from './metrics.registry';

/** Nest's error body: the API document's HttpErrorDto (@app/auth/api), named so this lib needs nothing of sign-in. */
const HTTP_ERROR = { $ref: getSchemaPath('HttpErrorDto') };

/** This process's registry (the API on its port, the worker on its health port), behind metricsAccess. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly config: ConfigService<BaseEnv, true>,
  ) {}

  @Get()
  @ApiOperation({
    summary: "This API instance's Prometheus metrics",
    description:
      'Off with METRICS_ENABLED=false (404); with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`; in production without METRICS_TOKEN, 403.',
  })
  @ApiBearerAuth('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4.',
    schema: { type: 'string' },
  })
  @ApiUnauthorizedResponse({
    schema: HTTP_ERROR,
    description: 'METRICS_TOKEN is set and the bearer token is missing or wrong.',
  })
  @ApiForbiddenResponse({
    schema: HTTP_ERROR,
    description: 'NODE_ENV=production and METRICS_TOKEN is not set.',
  })
  @ApiNotFoundResponse({
    schema: HTTP_ERROR,
    description: 'METRICS_ENABLED=false.',
  })
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const access = metricsAccess(
      {
        METRICS_ENABLED: this.config.get('METRICS_ENABLED', { infer: true }),
        METRICS_TOKEN: this.config.get('METRICS_TOKEN', { infer: true }),
        NODE_ENV: this.config.get('NODE_ENV', { infer: true }),
      },
      req.get('authorization'),
    );
    if (access === 'disabled') throw new NotFoundException();
    if (access === 'token-required') throw new ForbiddenException(METRICS_TOKEN_REQUIRED_MESSAGE);
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('Metrics token required');
    }
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.metrics());
  }
}

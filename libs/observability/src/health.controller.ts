import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { HealthChecks } from './health-checks';

/** Probes of the API's port and of the worker's health port: no session, no rate limit, nothing logged per request. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): Promise<HealthCheckResult> {
    return this.checks.live();
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: MySQL, Redis and the Bull queue answer (503 with the report while one does not)',
  })
  ready(): Promise<HealthCheckResult> {
    return this.checks.ready();
  }
}

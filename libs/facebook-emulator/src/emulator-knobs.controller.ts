import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
} from '@nestjs/common';
import type { z } from 'zod';
import {
  configPatchSchema,
  describeZodError,
  faultInputSchema,
  type GraphEndpoint,
} from './emulator-knobs.schemas';
import {
  EmulatorStateService,
  type EmulatorConfig,
  type EmulatorFault,
  type EmulatorStats,
} from './emulator-state.service';
import {
  emulatorUserFieldsSchema,
  emulatorUserIdSchema,
  type EmulatorUserView,
} from './emulator-user';

/**
 * Test/dev control API. It has no authentication: it is meant for local use
 * only and must never be exposed beyond the machine or CI network.
 */
@Controller('__emulator')
export class EmulatorKnobsController {
  constructor(private readonly state: EmulatorStateService) {}

  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('config')
  getConfig(): EmulatorConfig {
    return this.state.getConfig();
  }

  @Put('config')
  putConfig(@Body() body: unknown): EmulatorConfig {
    return this.state.configure(parseBody(configPatchSchema, body));
  }

  @Get('faults')
  listFaults(): Record<GraphEndpoint, EmulatorFault[]> {
    return this.state.listFaults();
  }

  @Post('faults')
  @HttpCode(200)
  addFault(@Body() body: unknown): Record<GraphEndpoint, EmulatorFault[]> {
    return this.state.addFault(parseBody(faultInputSchema, body));
  }

  @Get('users')
  listUsers(): EmulatorUserView[] {
    return this.state.listUsers();
  }

  @Put('users/:id')
  putUser(@Param('id') id: string, @Body() body: unknown): EmulatorUserView {
    const userId = parseBody(emulatorUserIdSchema, id, 'id');
    return this.state.upsertUser({
      id: userId,
      ...parseBody(emulatorUserFieldsSchema, body),
    });
  }

  @Delete('users/:id')
  @HttpCode(204)
  deleteUser(@Param('id') id: string): void {
    if (!this.state.deleteUser(id)) {
      throw new NotFoundException({
        error: { message: `No user with id ${id}` },
      });
    }
  }

  @Get('stats')
  stats(): EmulatorStats {
    return this.state.getStats();
  }

  @Post('reset')
  @HttpCode(200)
  reset(): { ok: true } {
    this.state.reset();
    return { ok: true };
  }
}

function parseBody<T>(schema: z.ZodType<T>, value: unknown, label?: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const detail = describeZodError(parsed.error);
  throw new BadRequestException({
    error: { message: label ? `${label}: ${detail}` : detail },
  });
}

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
  type EmulatorConfigPatch,
  type EmulatorFaultInput,
} from './emulator-knobs.schemas';
import { EmulatorStateService } from './emulator-state.service';
import { emulatorUserFieldsSchema, emulatorUserIdSchema, type EmulatorUserFields } from './emulator-user';

/** What one provider side's state offers its knob routes. */
export interface KnobTarget<Patch, Fault, UserFields> {
  getConfig(): object;
  configure(patch: Patch): object;
  listFaults(): object;
  clearFaults(): object;
  addFault(input: Fault): object;
  releaseHeld(): { released: number };
  listUsers(): object[];
  putUser(id: string, fields: UserFields): object;
  deleteUser(id: string): boolean;
  getStats(): object;
  reset(): void;
}

/** How one provider side validates its knob bodies. */
export interface KnobSchemas<Patch, Fault, UserFields> {
  configPatch: z.ZodType<Patch>;
  fault: z.ZodType<Fault>;
  userId: z.ZodType<string>;
  userFields: z.ZodType<UserFields>;
}

/**
 * Test/dev control API, the same routes for every provider side (each
 * subclass mounts them under its own prefix). It has no authentication: it
 * is meant for local use only and must never be exposed beyond the machine
 * or CI network.
 */
export abstract class KnobsControllerBase<Patch, Fault, UserFields> {
  protected constructor(
    private readonly target: KnobTarget<Patch, Fault, UserFields>,
    private readonly schemas: KnobSchemas<Patch, Fault, UserFields>,
  ) {}

  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('config')
  getConfig(): object {
    return this.target.getConfig();
  }

  @Put('config')
  putConfig(@Body() body: unknown): object {
    return this.target.configure(parseBody(this.schemas.configPatch, body));
  }

  @Get('faults')
  listFaults(): object {
    return this.target.listFaults();
  }

  @Post('faults')
  @HttpCode(200)
  addFault(@Body() body: unknown): object {
    return this.target.addFault(parseBody(this.schemas.fault, body));
  }

  /** Forgets the queued faults without a reset: codes, tokens and users stay. */
  @Delete('faults')
  clearFaults(): object {
    return this.target.clearFaults();
  }

  /** Lets the calls waiting on a 'hold' fault go on to their usual answer. */
  @Post('faults/release')
  @HttpCode(200)
  releaseHeld(): { released: number } {
    return this.target.releaseHeld();
  }

  @Get('users')
  listUsers(): object[] {
    return this.target.listUsers();
  }

  @Put('users/:id')
  putUser(@Param('id') id: string, @Body() body: unknown): object {
    return this.target.putUser(parseBody(this.schemas.userId, id, 'id'), parseBody(this.schemas.userFields, body));
  }

  @Delete('users/:id')
  @HttpCode(204)
  deleteUser(@Param('id') id: string): void {
    if (!this.target.deleteUser(id)) {
      throw new NotFoundException({
        error: { message: `No user with id ${id}` },
      });
    }
  }

  @Get('stats')
  stats(): object {
    return this.target.getStats();
  }

  @Post('reset')
  @HttpCode(200)
  reset(): { ok: true } {
    this.target.reset();
    return { ok: true };
  }
}

/** The Facebook side's knobs, under /__emulator. */
@Controller('__emulator')
export class EmulatorKnobsController extends KnobsControllerBase<
  EmulatorConfigPatch,
  EmulatorFaultInput,
  EmulatorUserFields
> {
  constructor(state: EmulatorStateService) {
    super(state, {
      configPatch: configPatchSchema,
      fault: faultInputSchema,
      userId: emulatorUserIdSchema,
      userFields: emulatorUserFieldsSchema,
    });
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

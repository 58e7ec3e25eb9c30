import { BadRequestException, Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { OperationHistoryService } from '@app/async-operations/history';
import { HttpErrorDto, REASON_CODES } from '@app/auth/api';
import { OperationRecordsDto } from '@app/auth/api';
import { AdminAuthGuard } from './admin-auth.guard';

export const ADMIN_OPERATIONS_MAX = 200;

const searchQuery = z.strictObject({
  status: z.enum(['pending', 'ok', 'error']).optional(),
  reason: z
    .string()
    .regex(/^[a-z_]{1,64}$/, 'a reason code such as code_rejected')
    .optional(),
  limit: z.coerce.number().int().min(1).max(ADMIN_OPERATIONS_MAX).default(50),
});

/** Support's view of every login attempt ("why can't I sign in?"). */
@ApiTags('admin')
@ApiBasicAuth('admin')
@Controller('admin/operations')
@UseGuards(AdminAuthGuard)
export class AdminOperationsController {
  constructor(private readonly history: OperationHistoryService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Recent login attempts, newest first, filterable by status and reason',
  })
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['pending', 'ok', 'error'],
  })
  @ApiQuery({ name: 'reason', required: false, enum: REASON_CODES, enumName: 'ReasonCode' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: ADMIN_OPERATIONS_MAX,
      default: 50,
    },
  })
  @ApiOkResponse({
    type: OperationRecordsDto,
    description: 'The matching attempts, newest first.',
  })
  @ApiBadRequestResponse({
    type: HttpErrorDto,
    description: 'A filter it cannot read.',
  })
  @ApiUnauthorizedResponse({
    type: HttpErrorDto,
    description: 'No or wrong admin credentials (with `WWW-Authenticate: Basic`).',
  })
  async search(@Query() query: unknown): Promise<OperationRecordsDto> {
    const parsed = searchQuery.safeParse(query);
    if (!parsed.success) {
      throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`));
    }
    return { operations: await this.history.search(parsed.data) };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OperationRecord, SignInEntry } from '@app/async-operations/history';

export class SignInDto implements SignInEntry {
  @ApiProperty({
    description: "The attempt's public id.",
    example: 'q1w2e3r4t5y6u7i8o9p0aA',
  })
  id: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the attempt began (the OAuth callback).',
  })
  at: string;

  @ApiProperty({ enum: ['pending', 'ok', 'error'] })
  status: SignInEntry['status'];

  @ApiPropertyOptional({
    type: String,
    description:
      'Only for failures: the reason code, a `ReasonCode`, or, for older attempts, a code from before the providers shared them.',
    example: 'provider_unavailable',
  })
  reason?: string;

  @ApiPropertyOptional({
    description: "Only for failures: the server's sentence for it.",
    example: 'Google is not answering right now.',
  })
  reasonMessage?: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The browser, as it announced itself (first 512 characters).',
  })
  userAgent: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The client's address, as the API saw it (TRUST_PROXY decides).",
    example: '203.0.113.7',
  })
  clientIp: string | null;
}

export class SignInHistoryDto {
  @ApiProperty({ type: [SignInDto], description: 'Newest first, at most 10.' })
  signIns: SignInDto[];
}

export class OperationRecordDto extends SignInDto implements OperationRecord {
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  finishedAt: string | null;

  @ApiProperty({ description: 'How many times a worker started the exchange.' })
  attempts: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Public id of the user it belongs to (its sign-in, or a linked failure).',
  })
  userId: string | null;
}

export class OperationRecordsDto {
  @ApiProperty({ type: [OperationRecordDto], description: 'Newest first.' })
  operations: OperationRecordDto[];
}

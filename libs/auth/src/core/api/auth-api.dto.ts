import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OperationView } from '@app/async-operations';
import type { UserView } from '@app/users';
import type { MeView } from './me.controller';
import type { SignInProvider } from './sign-in-providers';
import { REASON_CODES, type ReasonCode } from '../../contract/reason-codes';

/**
 * Response shapes of the sign-in routes, for the OpenAPI document. Each
 * `implements` the type the route really returns, so a change there that the
 * schema does not follow fails to compile.
 */

/** For the controllers' decorators: the contract's list, a named `ReasonCode` enum in the document. */
export { REASON_CODES };

export class OperationErrorDto implements NonNullable<OperationView['error']> {
  @ApiProperty({
    enum: REASON_CODES,
    enumName: 'ReasonCode',
    example: 'code_rejected',
    description: 'Machine-readable reason; the SPA explains each in words.',
  })
  code: ReasonCode;

  @ApiProperty({
    example: 'Google said this sign-in has expired or was already used.',
  })
  message: string;
}

export class UserViewDto implements UserView {
  @ApiProperty({
    description: "The user's public id (never a provider's id).",
    example: 'Zx8Yw7Vu6Ts5Rq4Po3Nm2L',
  })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'Alice' })
  firstName: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Anderson' })
  lastName: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'alice@example.com',
    description: 'Null when the provider gave none: see `declined` for whether the person declined to share it.',
  })
  email: string | null;

  @ApiProperty({
    type: [String],
    description:
      'Permissions the person declined on the provider\'s dialog at their last Facebook sign-in; `["email"]`: they did not share their e-mail (`GET /auth/facebook?rerequest=email` asks again). Empty when none.',
    example: [],
  })
  declined: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The provider's profile picture (an absolute URL on the provider's image host), or null.",
    example: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10000000000000001&height=200&width=200',
  })
  pictureUrl: string | null;
}

export class MeViewDto extends UserViewDto implements MeView {
  @ApiProperty({ type: [String], description: 'The providers linked to this person.', example: ['facebook', 'google'] })
  providers: string[];
}

export class SignInProviderDto implements SignInProvider {
  @ApiProperty({ description: 'Its id: its routes are `/auth/<id>` and `/auth/<id>/callback`.', example: 'google' })
  id: string;

  @ApiProperty({ description: 'Its name as people read it.', example: 'Google' })
  name: string;
}

export class SignInProvidersDto {
  @ApiProperty({ type: [SignInProviderDto] })
  providers: SignInProviderDto[];
}

export class OperationViewDto implements OperationView {
  @ApiProperty({
    description: "The attempt's public id (128 random bits, base64url).",
    example: 'q1w2e3r4t5y6u7i8o9p0aA',
  })
  id: string;

  @ApiProperty({ enum: ['pending', 'ok', 'error'] })
  status: OperationView['status'];

  @ApiPropertyOptional({
    type: OperationErrorDto,
    description: 'Only when status is error.',
  })
  error?: OperationErrorDto;

  @ApiPropertyOptional({
    type: UserViewDto,
    description:
      'Only when status is ok: the session is already signed in, as this user (what `GET /api/me` answers). Absent only if the server could not confirm the sign-in just then: ask `GET /api/me`.',
  })
  user?: UserViewDto;

  @ApiPropertyOptional({
    description:
      'Only when status is ok: the same-origin path to show next (from `/auth/<provider>?returnTo=`), else `/`.',
    example: '/',
  })
  returnTo?: string;
}

/** Nest's error body. */
export class HttpErrorDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No sign-in in progress',
  })
  message: string | string[];

  @ApiPropertyOptional({ example: 'Not Found' })
  error?: string;
}

/**
 * One server-sent event of `GET /api/auth/operation/events`, as the wire
 * carries it: `event: status`, `id: <status>`, `data: <OperationView JSON>`.
 */
export class OperationStatusEventDto {
  @ApiProperty({ enum: ['status'], description: 'The SSE `event:` field.' })
  event: 'status';

  @ApiProperty({
    enum: ['pending', 'ok', 'error'],
    description: 'The SSE `id:` field: the status, so a reconnect after the end gets 204.',
  })
  id: OperationView['status'];

  @ApiProperty({
    type: OperationViewDto,
    description: 'The SSE `data:` field, one line of JSON.',
  })
  data: OperationViewDto;
}

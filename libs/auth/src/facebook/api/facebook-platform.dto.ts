import { ApiProperty } from '@nestjs/swagger';

export class DataDeletionAnswerDto {
  @ApiProperty({
    description: 'Where the person can check the status of the request.',
    example: 'https://login.example.com/auth/facebook/data-deletion/Ab3dEf6hIj9kLm2nOp5qRs',
  })
  url: string;

  @ApiProperty({ example: 'Ab3dEf6hIj9kLm2nOp5qRs' })
  confirmation_code: string;
}

export class DeauthorizeAnswerDto {
  @ApiProperty({ enum: [true] })
  ok: true;
}

/** Form body of Facebook's server-to-server callbacks. */
export class SignedRequestFormDto {
  @ApiProperty({
    description: '`<base64url HMAC-SHA256 signature>.<base64url JSON payload>`, signed with the app secret.',
  })
  signed_request: string;
}

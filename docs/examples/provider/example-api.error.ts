import { ProviderCallError, type CodeFate, type ReasonCodeValue } from '@app/auth';

export interface ExampleErrorDetails {
  status?: number;
  /** The provider's OAuth `error` field (invalid_grant, invalid_client, …). */
  oauthError?: string;
  codeFate?: CodeFate;
}

/**
 * A failed call to the provider, classified once by its client: `kind`
 * says whether the core retries (transient) or ends the operation
 * (rejected, malformed) with `reason`; `codeFate` whether the one-time code
 * can have been spent; `codeAlreadyUsed` whether the provider says it was.
 */
export class ExampleApiError extends ProviderCallError<ExampleErrorDetails> {
  override name = 'ExampleApiError';

  /** OAuth 2.0's answer to a code that was used (or expired): after our own earlier call, that call spent it. */
  override get codeAlreadyUsed(): boolean {
    return this.details.oauthError === 'invalid_grant';
  }
}

/** A non-2xx answer: 429 and 5xx are worth a retry, any other 4xx is final. */
export function classifyExampleErrorResponse(
  call: 'token' | 'userinfo',
  status: number,
  body: unknown,
): ExampleApiError {
  const oauthError =
    typeof (body as { error?: unknown } | null)?.error === 'string'
      ? (body as { error: string }).error.slice(0, 64)
      : undefined;
  const message = `Example ${call} call failed with HTTP ${status}${oauthError ? ` (${oauthError})` : ''}`;
  const details = { status, oauthError };
  if (status === 429)
    return new ExampleApiError('transient', 'provider_unavailable', message, { ...details, codeFate: 'untouched' });
  if (status >= 500) {
    // A bare 5xx may come after the provider spent the code.
    const codeFate: CodeFate = call === 'token' ? 'unknown' : 'untouched';
    return new ExampleApiError('transient', 'provider_unavailable', message, { ...details, codeFate });
  }
  const reason: ReasonCodeValue =
    call === 'token' && oauthError === 'invalid_grant' ? 'code_rejected' : 'provider_error';
  return new ExampleApiError('rejected', reason, message, details);
}

/** Errors of the socket that mean nothing reached the provider. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A call that got no HTTP answer: worth a retry; whether the code may be spent depends on how far it got. */
export function classifyExampleTransportError(call: 'token' | 'userinfo', error: unknown): unknown {
  if (error instanceof ExampleApiError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') {
    return new ExampleApiError('transient', 'provider_unavailable', `Example ${call} call timed out`, {
      codeFate: call === 'token' ? 'unknown' : 'untouched',
    });
  }
  if (name === 'AbortError') return error; // the core aborted the run: not the provider's doing
  // fetch's network failures are a TypeError whose cause says what happened (by name: jest's
  // sandbox and Node's fetch have TypeErrors of their own).
  if (name === 'TypeError') {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const what = code ?? (typeof cause?.message === 'string' ? cause.message : 'no answer');
    return new ExampleApiError(
      'transient',
      'provider_unavailable',
      `Example ${call} call could not reach the provider (${what})`,
      {
        codeFate: call !== 'token' || (code !== undefined && NOT_SENT.has(code)) ? 'untouched' : 'unknown',
      },
    );
  }
  return error;
}

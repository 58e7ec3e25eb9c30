import type { CodeFate } from '../core/worker/provider-exchange';
import {
  ProviderTransportError,
  describeTransportFailure,
  parseJson,
  sendProviderRequest,
  type KeepAliveAgents,
  type ProviderRequest,
} from '../core/worker/provider-http';
import { GoogleApiError, classifyGoogleErrorResponse, type GoogleCall } from './google-api.error';

/**
 * A call to Google whose answer is JSON, over the providers' shared transport;
 * every failure a classified GoogleApiError (an abort rethrows the signal's reason).
 */
export async function callGoogle(
  agents: KeepAliveAgents,
  call: GoogleCall,
  url: URL,
  init: ProviderRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  let answer;
  try {
    answer = await sendProviderRequest(agents.for(url), url, init, timeoutMs, signal);
  } catch (error) {
    if (!(error instanceof ProviderTransportError)) throw error;
    if (error.kind === 'aborted') throw error.cause;
    if (error.kind === 'too-large') throw malformedAnswer(call, 'is too large');
    // Only the token call carries the code; no other call can spend it.
    const codeFate: CodeFate = call === 'token' ? error.codeFate : 'untouched';
    // Sent, then no answer: Google may have spent the code, and only a new sign-in is sure to help.
    const reason = codeFate === 'unknown' && error.kind !== 'redirect' ? 'provider_timeout' : 'provider_unavailable';
    throw new GoogleApiError(
      reason,
      true,
      `Google ${call} call ${describeTransportFailure(error, 'Google', timeoutMs)}`,
      { status: error.status, codeFate },
    );
  }
  const json = parseJson(answer.text);
  if (answer.status < 200 || answer.status >= 300) throw classifyGoogleErrorResponse(call, answer.status, json);
  if (json === undefined) throw malformedAnswer(call, 'is not JSON');
  return json;
}

/** An answer we cannot use: no retry makes it usable. */
export function malformedAnswer(call: GoogleCall, what: string): GoogleApiError {
  return new GoogleApiError('provider_bad_response', false, `Google's ${call} answer ${what}`);
}

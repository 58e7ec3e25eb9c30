import { z } from 'zod';
import { latencyProfileSchema } from './latency';

export const graphEndpointSchema = z.enum(['token', 'me']);
export type GraphEndpoint = z.infer<typeof graphEndpointSchema>;

export const faultKindSchema = z.enum([
  'status',
  'hang',
  'malformed',
  'throttle',
  'huge',
  'missing-id',
  // Token endpoint only: the code is spent first, then the answer is late,
  // never comes, or the connection drops — what a slow real Facebook does.
  'spend-then-late',
  'spend-then-hang',
  'spend-then-drop',
]);

/** Faults that look the code up (and so spend it) before they misbehave. */
export const SPENDING_FAULT_KINDS: ReadonlySet<FaultKind> = new Set([
  'spend-then-late',
  'spend-then-hang',
  'spend-then-drop',
]);
export type FaultKind = z.infer<typeof faultKindSchema>;

export const configPatchSchema = z.strictObject({
  /** null switches latency off. */
  latency: latencyProfileSchema.nullable().optional(),
  failureRate: z.number().min(0).max(1).optional(),
  requireAppSecretProof: z.boolean().optional(),
});
export type EmulatorConfigPatch = z.input<typeof configPatchSchema>;

export const faultInputSchema = z
  .strictObject({
    endpoint: graphEndpointSchema,
    kind: faultKindSchema,
    status: z.number().int().min(400).max(599).optional(),
    times: z.number().int().min(1).max(1000).optional(),
    /** How late a 'spend-then-late' answer is. */
    delayMs: z.number().int().min(1).max(10 * 60 * 1000).optional(),
  })
  .refine(
    (fault) =>
      fault.endpoint === 'me' ||
      (fault.kind !== 'huge' && fault.kind !== 'missing-id'),
    {
      message: "kinds 'huge' and 'missing-id' only apply to endpoint 'me'",
      path: ['kind'],
    },
  )
  .refine((fault) => fault.kind === 'status' || fault.status === undefined, {
    message: "status only applies to kind 'status'",
    path: ['status'],
  })
  .refine(
    (fault) => fault.endpoint === 'token' || !SPENDING_FAULT_KINDS.has(fault.kind),
    { message: "the spend-then-* kinds only apply to endpoint 'token'", path: ['kind'] },
  )
  .refine(
    (fault) => (fault.kind === 'spend-then-late') === (fault.delayMs !== undefined),
    { message: "delayMs is required by, and only applies to, kind 'spend-then-late'", path: ['delayMs'] },
  );
export type EmulatorFaultInput = z.input<typeof faultInputSchema>;

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) =>
        `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
    )
    .join('; ');
}

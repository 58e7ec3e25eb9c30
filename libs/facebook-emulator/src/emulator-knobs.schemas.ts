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
  });
export type EmulatorFaultInput = z.input<typeof faultInputSchema>;

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) =>
        `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
    )
    .join('; ');
}

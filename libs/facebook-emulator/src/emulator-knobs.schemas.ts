import { z } from 'zod';
import { latencyProfileSchema } from './latency';

export const graphEndpointSchema = z.enum(['token', 'me', 'permissions']);
export type GraphEndpoint = z.infer<typeof graphEndpointSchema>;

export const faultKindSchema = z.enum([
  'status',
  'hang',
  // Waits, unanswered, until POST <knobs>/faults/release, then answers as usual:
  // a slow provider whose answer comes exactly when a test says.
  'hold',
  'malformed',
  'throttle',
  'huge',
  'missing-id',
  // Token endpoint only: the code is spent first, then the answer is late,
  // never comes, or the connection drops — what a slow real provider does.
  'spend-then-late',
  'spend-then-hang',
  'spend-then-drop',
]);
export type FaultKind = z.infer<typeof faultKindSchema>;

/** Faults that look the code up (and so spend it) before they misbehave. */
export const SPENDING_FAULT_KINDS: ReadonlySet<FaultKind> = new Set([
  'spend-then-late',
  'spend-then-hang',
  'spend-then-drop',
]);

/** Faults that answer a valid lookup with a distorted identity. */
export const DISTORTING_FAULT_KINDS: ReadonlySet<FaultKind> = new Set(['huge', 'missing-id']);

/** The config keys every provider side has. */
export const faultKnobsShape = {
  /** null switches latency off. */
  latency: latencyProfileSchema.nullable().optional(),
  failureRate: z.number().min(0).max(1).optional(),
};

export const faultKnobsPatchSchema = z.strictObject(faultKnobsShape);

export const configPatchSchema = z.strictObject({
  ...faultKnobsShape,
  requireAppSecretProof: z.boolean().optional(),
});
export type EmulatorConfigPatch = z.input<typeof configPatchSchema>;

/** One queued fault, as POST <knobs>/faults takes it. */
export interface FaultInput<E extends string> {
  endpoint: E;
  kind: FaultKind;
  status?: number;
  times?: number;
  /** How late a 'spend-then-late' answer is. */
  delayMs?: number;
}

export interface FaultEndpointRules<E extends string> {
  /** Where 'huge' and 'missing-id' apply (endpoints answering an identity). */
  distorting: readonly E[];
  /** Where the spend-then-* kinds apply (the token endpoint). */
  spending: readonly E[];
}

function endpointList(endpoints: readonly string[]): string {
  const quoted = endpoints.map((endpoint) => `'${endpoint}'`);
  return quoted.length === 1
    ? `endpoint ${quoted[0]}`
    : `endpoints ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The fault body schema of one provider: its endpoints, and which kinds apply where. */
export function faultInputSchemaFor<E extends string>(
  endpoints: readonly E[],
  rules: FaultEndpointRules<E>,
): z.ZodType<FaultInput<E>> {
  return z
    .strictObject({
      endpoint: z.enum(endpoints as readonly string[] as [string, ...string[]]),
      kind: faultKindSchema,
      status: z.number().int().min(400).max(599).optional(),
      times: z.number().int().min(1).max(1000).optional(),
      delayMs: z
        .number()
        .int()
        .min(1)
        .max(10 * 60 * 1000)
        .optional(),
    })
    .refine(
      (fault) =>
        !DISTORTING_FAULT_KINDS.has(fault.kind) || (rules.distorting as readonly string[]).includes(fault.endpoint),
      {
        message: `kinds 'huge' and 'missing-id' only apply to ${endpointList(rules.distorting)}`,
        path: ['kind'],
      },
    )
    .refine((fault) => fault.kind === 'status' || fault.status === undefined, {
      message: "status only applies to kind 'status'",
      path: ['status'],
    })
    .refine(
      (fault) =>
        !SPENDING_FAULT_KINDS.has(fault.kind) || (rules.spending as readonly string[]).includes(fault.endpoint),
      {
        message: `the spend-then-* kinds only apply to ${endpointList(rules.spending)}`,
        path: ['kind'],
      },
    )
    .refine((fault) => (fault.kind === 'spend-then-late') === (fault.delayMs !== undefined), {
      message: "delayMs is required by, and only applies to, kind 'spend-then-late'",
      path: ['delayMs'],
    }) as unknown as z.ZodType<FaultInput<E>>;
}

export const faultInputSchema = faultInputSchemaFor<GraphEndpoint>(graphEndpointSchema.options, {
  distorting: ['me'],
  spending: ['token'],
});
export type EmulatorFaultInput = FaultInput<GraphEndpoint>;

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** Parses or throws an Error whose message names the failing keys. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, label?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = describeZodError(parsed.error);
  throw new Error(label ? `${label}: ${detail}` : detail);
}

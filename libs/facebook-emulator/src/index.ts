export {
  createFacebookEmulatorApp,
  configureFacebookEmulatorApp,
  type CreateFacebookEmulatorAppOptions,
} from './create-facebook-emulator-app';
export { DEFAULT_TEST_USERS, ZOE_LAST_NAME } from './default-test-users';
export {
  computeAppSecretProof,
  emulatorCodeKey,
  pkceS256Challenge,
  type PkceMethod,
} from './emulator-crypto';
export type {
  EmulatorConfigPatch,
  EmulatorFaultInput,
  FaultKind,
  GraphEndpoint,
} from './emulator-knobs.schemas';
export {
  EmulatorStateService,
  type EmulatorConfig,
  type EmulatorFault,
  type EmulatorStats,
  type GraphUserProfile,
  type IssueCodeInput,
  type ProfileRequest,
  type ProfileResult,
  type TokenExchangeInput,
  type TokenExchangeResult,
} from './emulator-state.service';
export {
  userDisplayName,
  type EmulatorUser,
  type EmulatorUserView,
} from './emulator-user';
export {
  type FacebookErrorBody,
  type FacebookErrorPayload,
  type FacebookErrorResponse,
} from './facebook-errors';
export { FacebookEmulatorModule } from './facebook-emulator.module';
export {
  ACCESS_TOKEN_EXPIRES_IN_SECONDS,
  DEFAULT_CODE_TTL_MS,
  EMULATOR_CLOCK,
  type EmulatorAppConfig,
  type EmulatorClock,
  type FacebookEmulatorOptions,
} from './facebook-emulator.options';
export { DEFAULT_GRAPH_VERSION } from './graph.controller';
export type { LatencyProfile } from './latency';
export {
  DEFAULT_EMULATOR_APP_ID,
  DEFAULT_EMULATOR_APP_SECRET,
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  loadEmulatorListenOptionsFromEnv,
  loadEmulatorOptionsFromEnv,
  type EmulatorEnv,
} from './load-emulator-options-from-env';

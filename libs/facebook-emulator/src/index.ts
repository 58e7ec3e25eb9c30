export {
  createFacebookEmulatorApp,
  configureFacebookEmulatorApp,
  type CreateFacebookEmulatorAppOptions,
} from './create-facebook-emulator-app';
export { DEFAULT_TEST_USERS, ZOE_LAST_NAME } from './default-test-users';
export { computeAppSecretProof, emulatorCodeKey, pkceS256Challenge, type PkceMethod } from './emulator-crypto';
export type {
  EmulatorConfigPatch,
  EmulatorFaultInput,
  FaultInput,
  FaultKind,
  GraphEndpoint,
} from './emulator-knobs.schemas';
export type { EmulatorFault, FaultKnobs } from './fault-injector';
export {
  EmulatorStateService,
  PICTURE_PATH_PREFIX,
  type EmulatorConfig,
  type EmulatorStats,
  type GraphUserProfile,
  type IssueCodeInput,
  type ProfileRequest,
  type ProfileResult,
  type TokenExchangeInput,
  type TokenExchangeResult,
} from './emulator-state.service';
export { userDisplayName, type EmulatorUser, type EmulatorUserView } from './emulator-user';
export { type FacebookErrorBody, type FacebookErrorPayload, type FacebookErrorResponse } from './facebook-errors';
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
export { DEFAULT_GOOGLE_TEST_USERS } from './google/default-google-test-users';
export {
  GOOGLE_ACCESS_TOKEN_EXPIRES_IN_SECONDS,
  GOOGLE_ENDPOINTS,
  GOOGLE_PATH_PREFIX,
  GOOGLE_ROUTES,
  ID_TOKEN_LIFETIME_SECONDS,
  type GoogleEndpoint,
  type GoogleScope,
} from './google/google-emulator.constants';
export type { GoogleEmulatorClientConfig, GoogleEmulatorOptions } from './google/google-emulator.options';
export {
  GoogleEmulatorStateService,
  type GoogleEmulatorConfig,
  type GoogleEmulatorConfigPatch,
  type GoogleEmulatorStats,
  type GoogleFaultInput,
  type GoogleTokenResponse,
  type OpenIdConfiguration,
} from './google/google-emulator-state.service';
export type { GoogleEmulatorUser, GoogleEmulatorUserView } from './google/google-emulator-user';
export type { GoogleErrorBody, GoogleErrorResponse } from './google/google-errors';
export {
  DEFAULT_EMULATOR_GOOGLE_CLIENT_ID,
  DEFAULT_EMULATOR_GOOGLE_CLIENT_SECRET,
  loadGoogleEmulatorOptionsFromEnv,
} from './google/load-google-emulator-options-from-env';

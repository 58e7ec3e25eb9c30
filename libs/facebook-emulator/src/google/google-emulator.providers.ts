import type { Provider, Type } from '@nestjs/common';
import { GoogleAuthorizationController } from './google-authorization.controller';
import { GoogleApiController } from './google-api.controller';
import { GOOGLE_EMULATOR_OPTIONS, type ResolvedGoogleEmulatorOptions } from './google-emulator.options';
import { GoogleEmulatorStateService } from './google-emulator-state.service';
import { GoogleKnobsController } from './google-knobs.controller';
import { GOOGLE_SIGNING_KEY, generateGoogleSigningKey } from './google-signing-key';

/** What FacebookEmulatorModule adds when it serves a Google side. */
export function googleEmulatorParts(options: ResolvedGoogleEmulatorOptions): {
  controllers: Type[];
  providers: Provider[];
} {
  return {
    controllers: [GoogleApiController, GoogleAuthorizationController, GoogleKnobsController],
    providers: [
      { provide: GOOGLE_EMULATOR_OPTIONS, useValue: options },
      // A fresh RS256 key pair per boot; the module waits for it.
      { provide: GOOGLE_SIGNING_KEY, useFactory: generateGoogleSigningKey },
      GoogleEmulatorStateService,
    ],
  };
}

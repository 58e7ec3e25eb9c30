import { type DynamicModule, Module } from '@nestjs/common';
import { DialogController } from './dialog.controller';
import { EmulatorKnobsController } from './emulator-knobs.controller';
import { EmulatorStateService } from './emulator-state.service';
import {
  EMULATOR_CLOCK,
  FACEBOOK_EMULATOR_OPTIONS,
  resolveEmulatorOptions,
  type EmulatorClock,
  type FacebookEmulatorOptions,
} from './facebook-emulator.options';
import { googleEmulatorParts } from './google/google-emulator.providers';
import { GoogleEmulatorStateService } from './google/google-emulator-state.service';
import { GraphController } from './graph.controller';
import { PictureController } from './picture.controller';

/** The emulator: Facebook's dialog and Graph, and (with `google`) Google's OpenID provider under /google. */
@Module({})
export class FacebookEmulatorModule {
  static forRoot(options: FacebookEmulatorOptions): DynamicModule {
    // Fail at boot, not on the first request.
    const resolved = resolveEmulatorOptions(options);
    const clock: EmulatorClock = { now: () => Date.now() };
    const google = resolved.google ? googleEmulatorParts(resolved.google) : { controllers: [], providers: [] };
    return {
      module: FacebookEmulatorModule,
      controllers: [
        DialogController,
        GraphController,
        PictureController,
        EmulatorKnobsController,
        ...google.controllers,
      ],
      providers: [
        { provide: FACEBOOK_EMULATOR_OPTIONS, useValue: resolved },
        { provide: EMULATOR_CLOCK, useValue: clock },
        EmulatorStateService,
        ...google.providers,
      ],
      exports: [EmulatorStateService, ...(resolved.google ? [GoogleEmulatorStateService] : [])],
    };
  }
}

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
import { GraphController } from './graph.controller';

@Module({})
export class FacebookEmulatorModule {
  static forRoot(options: FacebookEmulatorOptions): DynamicModule {
    // Fail at boot, not on the first request.
    const resolved = resolveEmulatorOptions(options);
    const clock: EmulatorClock = { now: () => Date.now() };
    return {
      module: FacebookEmulatorModule,
      controllers: [DialogController, GraphController, EmulatorKnobsController],
      providers: [
        { provide: FACEBOOK_EMULATOR_OPTIONS, useValue: resolved },
        { provide: EMULATOR_CLOCK, useValue: clock },
        EmulatorStateService,
      ],
      exports: [EmulatorStateService],
    };
  }
}

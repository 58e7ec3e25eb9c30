import { Controller } from '@nestjs/common';
import { faultKnobsPatchSchema } from '../emulator-knobs.schemas';
import { KnobsControllerBase } from '../emulator-knobs.controller';
import { GOOGLE_PATH_PREFIX } from './google-emulator.constants';
import {
  GoogleEmulatorStateService,
  googleFaultInputSchema,
  type GoogleEmulatorConfigPatch,
  type GoogleFaultInput,
} from './google-emulator-state.service';
import { googleUserFieldsSchema, googleUserSubSchema, type GoogleEmulatorUserFields } from './google-emulator-user';

/** The Google side's knobs: the Facebook side's routes, under /google/__emulator. */
@Controller(`${GOOGLE_PATH_PREFIX.slice(1)}/__emulator`)
export class GoogleKnobsController extends KnobsControllerBase<
  GoogleEmulatorConfigPatch,
  GoogleFaultInput,
  GoogleEmulatorUserFields
> {
  constructor(state: GoogleEmulatorStateService) {
    super(state, {
      configPatch: faultKnobsPatchSchema,
      fault: googleFaultInputSchema,
      userId: googleUserSubSchema,
      userFields: googleUserFieldsSchema,
    });
  }
}

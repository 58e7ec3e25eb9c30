import { Module } from '@nestjs/common';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';

/**
 * A host module for the API: `ApiModule.forRoot({ imports: [NotesModule] })`.
 * It imports nothing of the auth lib's modules: AuthenticatedGuard and
 * @CurrentUser() read the session the core already put on the request.
 */
@Module({
  controllers: [NotesController],
  providers: [NotesService],
  exports: [NotesService],
})
export class NotesModule {}

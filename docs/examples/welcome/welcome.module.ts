import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Welcome } from './welcome.entity';
import { WelcomeListener } from './welcome.listener';

/**
 * A host module for the worker: `WorkerModule.forRoot({ imports: [WelcomeModule] })`.
 * The entity is registered here with forFeature; the project's DatabaseModule
 * sets `autoLoadEntities`, so that is all the connection needs to know of it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Welcome])],
  providers: [WelcomeListener],
})
export class WelcomeModule {}

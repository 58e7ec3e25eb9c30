export * from './sign-in-entry';
export * from './operation-history.service';
export * from './operation-owner.linker';
export * from './operation-retention.pruner';
export * from './operation-history.module';
export * from './operation-retention.module';

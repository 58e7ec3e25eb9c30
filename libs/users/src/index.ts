export * from './public-id';
export * from './provider-identity';
export * from './identity-errors';
export * from './user-profile.entity';
export * from './user-identity.entity';
export * from './data-deletion-request.entity';
export * from './users.service';
export * from './users.module';

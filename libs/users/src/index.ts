export * from './public-id';
export * from './user-profile.entity';
export * from './data-deletion-request.entity';
export * from './users.service';
export * from './users.module';

export * from './sign-in.dto';
export * from './sign-in-history.controller';
export * from './sign-in-history.module';

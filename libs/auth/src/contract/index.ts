/** What the server and the SPA share (the SPA imports these files through its `@contract` alias). */
export * from './reason-codes';
export * from './return-path';

/** The return-path rule is shared with the SPA: it lives in the contract. */
export { safeReturnPath } from '../../contract/return-path';

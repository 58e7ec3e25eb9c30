import 'reflect-metadata';
import { FacebookAuthController } from './facebook-auth.controller';

/** What @ApiOperation() recorded for a route (the OpenAPI document is built from it). */
const operationOf = (method: keyof FacebookAuthController) =>
  Reflect.getMetadata('swagger/apiOperation', FacebookAuthController.prototype[method]) as {
    summary: string;
    description: string;
  };

describe('FacebookAuthController: what the API document says of GET /auth/facebook', () => {
  const { description } = operationOf('start');

  it('names the dialog as the versioned settings make it, not the removed FACEBOOK_DIALOG_URL', () => {
    expect(description).not.toContain('FACEBOOK_DIALOG_URL');
    expect(description).toContain('FACEBOOK_WEB_URL/FACEBOOK_GRAPH_VERSION/dialog/oauth');
  });

  it('says the scope is the e-mail and extraScope, and what a re-request adds', () => {
    expect(description).not.toContain('`scope=email`');
    expect(description).toContain('extraScope');
    expect(description).toContain('`auth_type=rerequest`');
  });
});

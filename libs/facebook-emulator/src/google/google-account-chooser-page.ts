import { englishList, escapeHtml, hiddenFields, renderLayout } from '../html-page';
import {
  ACCOUNT_FIELD,
  type GoogleAuthorizationRejection,
  type GoogleAuthorizationRequest,
} from './google-authorization-request';
import { GOOGLE_SCOPE_DESCRIPTIONS } from './google-emulator.constants';
import type { GoogleEmulatorUserView } from './google-emulator-user';

const BANNER = 'Google emulator: a local stand-in for accounts.google.com. No real Google account is involved.';

export interface AccountChooserPageInput {
  request: GoogleAuthorizationRequest;
  users: readonly GoogleEmulatorUserView[];
  chooseAction: string;
  cancelAction: string;
}

export function renderAccountChooserPage(input: AccountChooserPageInput): string {
  const { request, users } = input;
  const hidden = hiddenFields(request.params);
  const described = englishList(request.scopes.map((scope) => GOOGLE_SCOPE_DESCRIPTIONS[scope]));

  const userItems = users
    .map((user, index) => {
      const describedBy = `account-${index}`;
      return `<li><form method="post" action="${escapeHtml(input.chooseAction)}">${hidden}<input type="hidden" name="${ACCOUNT_FIELD}" value="${escapeHtml(user.sub)}"><p class="who" id="${describedBy}"><span class="name">${escapeHtml(user.name)}</span><span class="email">${escapeHtml(user.email)}</span></p><button type="submit" aria-describedby="${describedBy}">Continue as ${escapeHtml(user.given_name)}</button></form></li>`;
    })
    .join('\n');

  const userList =
    users.length === 0
      ? '<p>No test accounts exist. Add one with <code>PUT /google/__emulator/users/:sub</code>.</p>'
      : `<ul class="users" aria-labelledby="choose-account">\n${userItems}\n</ul>`;

  return renderLayout(
    BANNER,
    'Sign in with Google',
    `<h1>Choose an account</h1>
<p>to continue to <strong>${escapeHtml(request.client.name)}</strong>, which will be able to ${escapeHtml(described)}.</p>
<ul class="scopes" aria-label="Requested scopes">${request.scopes
      .map((scope) => `<li>${escapeHtml(scope)}</li>`)
      .join('')}</ul>
<h2 id="choose-account">Test accounts</h2>
${userList}
<form method="post" action="${escapeHtml(input.cancelAction)}">${hidden}<button type="submit" class="secondary">Cancel</button></form>
<p class="fine">Continuing sends you back to ${escapeHtml(request.redirectUri)}.</p>`,
  );
}

/** Google's error page: "Access blocked: Authorization Error", then "Error 400: <code>". */
export function renderGoogleErrorPage(rejection: GoogleAuthorizationRejection): string {
  const line = `Error ${rejection.status}: ${rejection.error}`;
  return renderLayout(
    BANNER,
    `${line} | Sign in with Google`,
    `<h1>Access blocked: Authorization Error</h1>
<h2>${escapeHtml(line)}</h2>
<p>${escapeHtml(rejection.message)}</p>`,
  );
}

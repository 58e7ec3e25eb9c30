import { KNOWN_PERMISSIONS, type DialogRejection, type DialogRequest } from './dialog-request';
import type { EmulatorUserView } from './emulator-user';
import { englishList, escapeHtml, hiddenFields, renderLayout } from './html-page';

const BANNER = 'Facebook emulator: a local stand-in for facebook.com. No real Facebook account is involved.';

function layout(title: string, body: string): string {
  return renderLayout(BANNER, title, body);
}

export interface ConsentPageInput {
  request: DialogRequest;
  users: readonly EmulatorUserView[];
  confirmAction: string;
  cancelAction: string;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const { request, users } = input;
  const scopes = request.grantedScopes;
  const described = englishList(scopes.map((scope) => KNOWN_PERMISSIONS[scope] ?? scope));
  const hidden = hiddenFields(request.params);

  const invalid =
    request.invalidScopes.length === 0
      ? ''
      : `<p class="notice" role="status">Invalid Scopes: ${escapeHtml(request.invalidScopes.join(', '))}. These permissions are ignored.</p>`;

  const userItems = users
    .map((user, index) => {
      const describedBy = `user-${index}`;
      const email = user.email ? escapeHtml(user.email) : 'No email address on this account';
      return `<li><form method="post" action="${escapeHtml(input.confirmAction)}">${hidden}<input type="hidden" name="user_id" value="${escapeHtml(user.id)}"><p class="who" id="${describedBy}"><span class="name">${escapeHtml(user.name)}</span><span class="email">${email}</span></p><button type="submit" aria-describedby="${describedBy}">Continue as ${escapeHtml(user.first_name)}</button></form></li>`;
    })
    .join('\n');

  const userList =
    users.length === 0
      ? '<p>No test users exist. Add one with <code>PUT /__emulator/users/:id</code>.</p>'
      : `<ul class="users" aria-labelledby="choose-user">\n${userItems}\n</ul>`;

  return layout(
    'Log in With Facebook',
    `<h1>Log in With Facebook</h1>
<p><strong>${escapeHtml(request.app.name)}</strong> is requesting: ${escapeHtml(described)}</p>
<ul class="scopes" aria-label="Requested permissions">${scopes
      .map((scope) => `<li>${escapeHtml(scope)}</li>`)
      .join('')}</ul>
${invalid}
<h2 id="choose-user">Choose a test user</h2>
${userList}
<form method="post" action="${escapeHtml(input.cancelAction)}">${hidden}<button type="submit" class="secondary">Cancel</button></form>
<p class="fine">Continuing sends you back to ${escapeHtml(request.redirectUri)}.</p>`,
  );
}

export function renderErrorPage(rejection: DialogRejection): string {
  return layout(
    `${rejection.title} | Log in With Facebook`,
    `<h1>${escapeHtml(rejection.title)}</h1>
<p>${escapeHtml(rejection.message)}</p>`,
  );
}

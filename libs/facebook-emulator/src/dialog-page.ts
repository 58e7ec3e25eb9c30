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
  /** The optional permissions asked of each user (their checkboxes); see permissionsToAsk. */
  askedOf: (user: EmulatorUserView) => readonly string[];
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
      return `<li><form method="post" action="${escapeHtml(input.confirmAction)}">${hidden}<input type="hidden" name="user_id" value="${escapeHtml(user.id)}"><p class="who" id="${describedBy}"><span class="name">${escapeHtml(user.name)}</span><span class="email">${email}</span></p>${editAccess(user, index, input.askedOf(user))}<button type="submit" aria-describedby="${describedBy}">Continue as ${escapeHtml(user.first_name)}</button></form></li>`;
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

/**
 * Facebook's "Edit access": a ticked checkbox for each optional permission,
 * which the person may untick (declined); public_profile is always shared.
 * `edit_access` tells the confirm step that an unticked box means declined.
 */
function editAccess(user: EmulatorUserView, index: number, asked: readonly string[]): string {
  const boxes = asked
    .map((scope) => {
      const id = `grant-${index}-${scope}`;
      return `<li><input type="checkbox" id="${escapeHtml(id)}" name="grant" value="${escapeHtml(scope)}" checked><label for="${escapeHtml(id)}">${escapeHtml(capitalize(KNOWN_PERMISSIONS[scope] ?? scope))}</label></li>`;
    })
    .join('');
  return `<fieldset class="access"><legend>What ${escapeHtml(user.first_name)} shares</legend><input type="hidden" name="edit_access" value="1"><ul><li><input type="checkbox" id="grant-${index}-public_profile" checked disabled><label for="grant-${index}-public_profile">${escapeHtml(capitalize(KNOWN_PERMISSIONS.public_profile))} (required)</label></li>${boxes}</ul></fieldset>`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function renderErrorPage(rejection: DialogRejection): string {
  return layout(
    `${rejection.title} | Log in With Facebook`,
    `<h1>${escapeHtml(rejection.title)}</h1>
<p>${escapeHtml(rejection.message)}</p>`,
  );
}

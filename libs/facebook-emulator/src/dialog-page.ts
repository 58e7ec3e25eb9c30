import {
  KNOWN_PERMISSIONS,
  type DialogRejection,
  type DialogRequest,
} from './dialog-request';
import type { EmulatorUserView } from './emulator-user';
import type { Params } from './request-params';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** Served with every dialog page: nothing but inline styles may load. */
export const DIALOG_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const STYLES = `
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; background: #f0f2f5; color: #1c1e21;
    font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
  main { max-width: 32rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
    border-radius: 8px; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); }
  .banner { margin: 0 0 1rem; padding: 0.5rem 0.75rem; border-radius: 6px;
    background: #fff4ce; color: #4d3b00; font-size: 0.875rem; }
  h1 { margin: 0 0 0.75rem; font-size: 1.5rem; color: #0b4fb3; }
  h2 { margin: 1.5rem 0 0.5rem; font-size: 1.125rem; }
  ul { padding: 0; list-style: none; }
  .scopes li { display: inline-block; margin: 0 0.25rem 0.25rem 0; padding: 0.125rem 0.5rem;
    border-radius: 999px; background: #e7f0fd; color: #0b4fb3; font-size: 0.875rem; }
  .notice { padding: 0.5rem 0.75rem; border-left: 4px solid #b35c00; background: #fff7ef; }
  .users li { margin: 0 0 0.75rem; padding: 0.75rem; border: 1px solid #dadde1; border-radius: 6px; }
  .who { margin: 0 0 0.5rem; overflow-wrap: anywhere; }
  .who .name { display: block; font-weight: 600; }
  .who .email { display: block; color: #4b4f56; font-size: 0.875rem; }
  form { margin: 0; }
  button { min-height: 2.75rem; padding: 0.5rem 1rem; border: 0; border-radius: 6px;
    background: #0b5fcc; color: #fff; font: inherit; font-weight: 600; cursor: pointer;
    max-width: 100%; overflow-wrap: anywhere; }
  button:hover { background: #0a52b0; }
  button:focus-visible { outline: 3px solid #1c1e21; outline-offset: 2px; }
  button.secondary { background: #e4e6eb; color: #1c1e21; }
  button.secondary:hover { background: #d8dadf; }
  .fine { margin-top: 1.5rem; color: #4b4f56; font-size: 0.8125rem; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<p class="banner" role="note">Facebook emulator: a local stand-in for facebook.com. No real Facebook account is involved.</p>
${body}
</main>
</body>
</html>
`;
}

function hiddenFields(params: Params): string {
  return Object.entries(params)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
}

/** "a", "a and b", "a, b and c". */
function englishList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
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
  const described = englishList(
    scopes.map((scope) => KNOWN_PERMISSIONS[scope] ?? scope),
  );
  const hidden = hiddenFields(request.params);

  const invalid =
    request.invalidScopes.length === 0
      ? ''
      : `<p class="notice" role="status">Invalid Scopes: ${escapeHtml(request.invalidScopes.join(', '))}. These permissions are ignored.</p>`;

  const userItems = users
    .map((user, index) => {
      const describedBy = `user-${index}`;
      const email = user.email
        ? escapeHtml(user.email)
        : 'No email address on this account';
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

import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EmulatorStateService, PICTURE_PATH_PREFIX } from './emulator-state.service';
import type { EmulatorUserView } from './emulator-user';
import { escapeHtml } from './html-page';

const PICTURE_FILE = /^(\d{1,32})\.svg$/;
const DEFAULT_SIZE = 200;
/** Background colours of the avatars, picked by user id so each test user keeps theirs. */
const COLOURS = ['#0b5fcc', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#6d4c41'];

/**
 * The profile pictures /me's `picture` points at, as Facebook's CDN serves
 * them: an image on its own origin, loadable cross-origin by any page.
 * Here an SVG of the test user's initials.
 */
@Controller(PICTURE_PATH_PREFIX.slice(1))
export class PictureController {
  constructor(private readonly state: EmulatorStateService) {}

  @Get(':file')
  picture(@Param('file') file: string, @Query('size') size: unknown, @Res() res: Response): void {
    const id = PICTURE_FILE.exec(file)?.[1];
    const user = id === undefined ? undefined : this.state.findPictureUser(id);
    if (!user) {
      res
        .status(404)
        .set('Cache-Control', 'no-store')
        .json({ error: { message: 'No such picture' } });
      return;
    }
    res
      .status(200)
      .set({
        'Content-Type': 'image/svg+xml; charset=utf-8',
        // An SVG opened on its own must not run anything: no scripts, no loads.
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
        'X-Content-Type-Options': 'nosniff',
        // The SPA's page is on another origin, as with Facebook's CDN.
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'no-store',
      })
      .send(renderAvatar(user, pictureSize(size)));
  }
}

function pictureSize(size: unknown): number {
  const value = typeof size === 'string' && /^\d{1,4}$/.test(size) ? Number(size) : DEFAULT_SIZE;
  return Math.min(Math.max(value, 1), 1024);
}

export function initialsOf(user: Pick<EmulatorUserView, 'first_name' | 'last_name'>): string {
  return [user.first_name, user.last_name]
    .map((name) => [...name.trim()][0] ?? '')
    .join('')
    .toUpperCase();
}

/** A square avatar: the initials on a colour of the user's own. */
export function renderAvatar(user: EmulatorUserView, size: number): string {
  const colour = COLOURS[Number(BigInt(user.id) % BigInt(COLOURS.length))];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 200 200" role="img" aria-label="${escapeHtml(user.name)}">
<rect width="200" height="200" fill="${colour}"/>
<text x="100" y="100" dy="0.35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="80" font-weight="600" fill="#fff">${escapeHtml(initialsOf(user))}</text>
</svg>
`;
}

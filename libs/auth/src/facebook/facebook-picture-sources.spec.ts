import { FACEBOOK_PICTURE_SOURCES, isPictureFromSources, pictureImageSources } from './facebook-picture-sources';

const FACEBOOK = { FACEBOOK_WEB_URL: 'https://www.facebook.com', FACEBOOK_GRAPH_URL: 'https://graph.facebook.com' };
const standIn = (web: string, graph = 'http://127.0.0.1:3001') => ({
  FACEBOOK_WEB_URL: web,
  FACEBOOK_GRAPH_URL: graph,
});

describe('pictureImageSources', () => {
  it("names Facebook's picture hosts for Facebook's Graph", () => {
    expect(pictureImageSources(FACEBOOK)).toEqual(['https://platform-lookaside.fbsbx.com', 'https://*.fbcdn.net']);
    expect(pictureImageSources({ ...FACEBOOK, FACEBOOK_GRAPH_URL: 'https://graph.facebook.com/' })).toEqual([
      ...FACEBOOK_PICTURE_SOURCES,
    ]);
  });

  it("names a stand-in's browser-facing origin (FACEBOOK_WEB_URL's), port included, and nothing else", () => {
    // The servers reach the emulator at 127.0.0.1, the browser at localhost: the pictures are the browser's.
    expect(pictureImageSources(standIn('http://localhost:3001'))).toEqual(['http://localhost:3001']);
    expect(pictureImageSources(standIn('http://127.0.0.1:4100/', 'http://127.0.0.1:4100'))).toEqual([
      'http://127.0.0.1:4100',
    ]);
    // Not Facebook: a look-alike Graph host, or Facebook's name over plain http.
    expect(pictureImageSources(standIn('https://fb.example.test', 'https://graph.facebook.com.example.test'))).toEqual([
      'https://fb.example.test',
    ]);
    expect(pictureImageSources(standIn('http://localhost:3001', 'http://graph.facebook.com'))).toEqual([
      'http://localhost:3001',
    ]);
  });

  it('never widens to a scheme or a bare wildcard', () => {
    for (const settings of [FACEBOOK, standIn('http://localhost:3001'), standIn('https://fb.example.test:8443')]) {
      for (const source of pictureImageSources(settings)) {
        expect(source).not.toMatch(/^(\*|https?:|data:)$/);
        expect(source).toMatch(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/);
      }
    }
  });
});

describe('isPictureFromSources', () => {
  const facebook = pictureImageSources(FACEBOOK);

  it.each([
    ['https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1&height=200', true],
    ['https://scontent.xx.fbcdn.net/v/t1.30497-1/p200x200/1.jpg?_nc_cat=1', true],
    ['https://scontent-cdg4-1.xx.fbcdn.net/1.jpg', true],
    // https only, on its default port, under those hosts only.
    ['http://platform-lookaside.fbsbx.com/p', false],
    ['http://scontent.xx.fbcdn.net/1.jpg', false],
    ['https://scontent.xx.fbcdn.net:8443/1.jpg', false],
    ['https://fbcdn.net/1.jpg', false],
    ['https://evilfbcdn.net/1.jpg', false],
    ['https://fbcdn.net.evil.test/1.jpg', false],
    ['https://lookaside.fbsbx.com/p', false],
    ['https://user:pass@platform-lookaside.fbsbx.com/p', false],
    ['https://example.test/1.jpg', false],
    ['javascript:alert(1)', false],
    ['data:image/png;base64,AAAA', false],
    ['not a url', false],
  ])("under Facebook's sources, %s → %s", (url, expected) => {
    expect(isPictureFromSources(url, facebook)).toBe(expected);
  });

  it("under a stand-in's, exactly its origin", () => {
    const sources = pictureImageSources(standIn('http://localhost:3001'));
    expect(isPictureFromSources('http://localhost:3001/emulator/pictures/1.svg', sources)).toBe(true);
    expect(isPictureFromSources('http://127.0.0.1:3001/emulator/pictures/1.svg', sources)).toBe(false);
    expect(isPictureFromSources('https://localhost:3001/emulator/pictures/1.svg', sources)).toBe(false);
    expect(isPictureFromSources('http://localhost:3002/emulator/pictures/1.svg', sources)).toBe(false);
    expect(isPictureFromSources('https://platform-lookaside.fbsbx.com/p', sources)).toBe(false);
  });
});

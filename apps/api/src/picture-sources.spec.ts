import { FACEBOOK_PICTURE_SOURCES, pictureImageSources } from './picture-sources';

describe('pictureImageSources', () => {
  it("names Facebook's picture hosts for Facebook's Graph", () => {
    expect(pictureImageSources('https://graph.facebook.com')).toEqual([
      'https://platform-lookaside.fbsbx.com',
      'https://*.fbcdn.net',
    ]);
    expect(pictureImageSources('https://graph.facebook.com/')).toEqual([...FACEBOOK_PICTURE_SOURCES]);
  });

  it("names a stand-in's own origin, port included, and nothing else", () => {
    expect(pictureImageSources('http://127.0.0.1:3001')).toEqual(['http://127.0.0.1:3001']);
    expect(pictureImageSources('http://localhost:4100/')).toEqual(['http://localhost:4100']);
    // Not Facebook: a look-alike host, or Facebook's name over plain http.
    expect(pictureImageSources('https://graph.facebook.com.example.test')).toEqual([
      'https://graph.facebook.com.example.test',
    ]);
    expect(pictureImageSources('http://graph.facebook.com')).toEqual(['http://graph.facebook.com']);
  });

  it('never widens to a scheme or a bare wildcard', () => {
    for (const url of ['https://graph.facebook.com', 'http://127.0.0.1:3001', 'https://fb.example.test:8443']) {
      for (const source of pictureImageSources(url)) {
        expect(source).not.toMatch(/^(\*|https?:|data:)$/);
        expect(source).toMatch(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/);
      }
    }
  });
});

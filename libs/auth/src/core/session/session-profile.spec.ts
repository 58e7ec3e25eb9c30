import { sessionProfileView } from './session-profile';

describe('sessionProfileView', () => {
  const stored = { id: 'p_1', firstName: 'Ada', lastName: null, email: 'ada@example.com' };

  it('hands a current profile on as it is', () => {
    const profile = { ...stored, declined: ['email'], pictureUrl: 'https://example.test/ada.jpg' };
    expect(sessionProfileView(profile)).toEqual(profile);
  });

  it('reads a profile stored before declined and pictureUrl as nothing declined and no picture', () => {
    expect(sessionProfileView(stored)).toEqual({ ...stored, declined: [], pictureUrl: null });
  });

  it('reads an odd declined (cjson wrote [] as {}) as nothing declined, and an odd picture as none', () => {
    expect(sessionProfileView({ ...stored, declined: {}, pictureUrl: 7 })).toEqual({
      ...stored,
      declined: [],
      pictureUrl: null,
    });
    expect(sessionProfileView({ ...stored, declined: ['email', 3] }).declined).toEqual(['email']);
  });

  it('hands on the profile fields only, whatever else the session holds', () => {
    const extra = { ...stored, declined: [], pictureUrl: null, facebookToken: 'EAA-secret', isAdmin: true };
    expect(sessionProfileView(extra)).toEqual({ ...stored, declined: [], pictureUrl: null });
  });
});

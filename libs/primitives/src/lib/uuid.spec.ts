import { isUuid } from './uuid';

describe('isUuid', () => {
  it.each([
    ['a random v4 id', '0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5b'],
    ['upper case', '0B7F9A1E-3C2D-4E5F-8A9B-0C1D2E3F4A5B'],
    ['any version (v7)', '01890a5d-ac96-774b-bcce-b302099a8057'],
    ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
  ])('accepts %s', (_name, value) => {
    expect(isUuid(value)).toBe(true);
  });

  it.each([
    ['without dashes', '0b7f9a1e3c2d4e5f8a9b0c1d2e3f4a5b'],
    ['a trailing character', '0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5b0'],
    ['braces', '{0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5b}'],
    ['a non-hex digit', '0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5g'],
    ['a line break after it', '0b7f9a1e-3c2d-4e5f-8a9b-0c1d2e3f4a5b\n'],
    ['the empty string', ''],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_name, value) => {
    expect(isUuid(value)).toBe(false);
  });
});

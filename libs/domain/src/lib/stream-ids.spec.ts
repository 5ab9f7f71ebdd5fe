import { streamCategoryOf, transferIdOf, transferStreamId } from './stream-ids';

const id = '6f1c2c55-2f4e-4c47-9a51-0a4a6b8f2d10';

describe('stream ids', () => {
  it('names an account stream by the account id alone', () => {
    expect(streamCategoryOf(id)).toBe('account');
    expect(transferIdOf(id)).toBeNull();
  });

  it('names a transfer stream by its prefix, and gives the transfer id back', () => {
    expect(transferStreamId(id)).toBe(`transfer-${id}`);
    expect(streamCategoryOf(transferStreamId(id))).toBe('transfer');
    expect(transferIdOf(transferStreamId(id))).toBe(id);
  });
});

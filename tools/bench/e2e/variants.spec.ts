import { variantsNamed } from './variants';

describe('variantsNamed', () => {
  it('gives a named variant as it is', () => {
    const [variant] = variantsNamed(['npm-start']);
    expect(variant?.name).toBe('npm-start');
    expect(variant?.env).toEqual({ LOG_LEVEL: 'info' });
  });

  it('adds the settings after a + to every app of the variant, keeping its own', () => {
    const [variant] = variantsNamed(['npm-start+RELAY_LINGER_MS=20+PROJECTOR_TRANSACTIONS_CONCURRENTLY=1']);
    expect(variant?.name).toBe('npm-start+RELAY_LINGER_MS=20+PROJECTOR_TRANSACTIONS_CONCURRENTLY=1');
    expect(variant?.env).toEqual({ LOG_LEVEL: 'info', RELAY_LINGER_MS: '20', PROJECTOR_TRANSACTIONS_CONCURRENTLY: '1' });
    expect(variant?.apps).toBeDefined();
  });

  it('refuses an unknown variant and a setting that is not NAME=value', () => {
    expect(() => variantsNamed(['fast'])).toThrow('unknown variant fast');
    expect(() => variantsNamed(['defaults+linger'])).toThrow('NAME=value, got linger');
  });
});

import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CommonConfig } from '@ledger/platform';
import { configSettingsOf, deployedEnvironmentProblems } from './config-settings';
import { interpolate } from './compose-file.read';

class ExampleConfig extends CommonConfig {
  /** No default and not optional: every deployment must set it. */
  @Matches(/^[a-z]+$/)
  EXAMPLE_REGION: string;

  @IsOptional()
  @IsString()
  EXAMPLE_LABEL?: string;

  @IsInt()
  @Min(1)
  @Max(10)
  EXAMPLE_WORKERS: number = 2;
}

const env = (variables: Record<string, string | undefined>) => ({
  where: 'test container',
  variables: Object.entries(variables).map(([name, value]) => ({ name, value })),
});

describe('configSettingsOf', () => {
  it('reads own and inherited settings from the metadata, with what has a default and what is optional', () => {
    const settings = configSettingsOf(ExampleConfig);
    expect(settings.map((setting) => setting.name)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'LOG_LEVEL', 'EXAMPLE_REGION', 'EXAMPLE_LABEL', 'EXAMPLE_WORKERS']),
    );
    expect(settings.filter((setting) => setting.required).map((setting) => setting.name)).toEqual(['EXAMPLE_REGION']);
    expect(settings.find((setting) => setting.name === 'EXAMPLE_LABEL')).toMatchObject({
      optional: true,
      hasDefault: false,
      required: false,
    });
  });
});

describe('deployedEnvironmentProblems', () => {
  it('accepts an environment that sets what is required and only what is declared (and Node variables)', () => {
    expect(
      deployedEnvironmentProblems(ExampleConfig, [
        env({ EXAMPLE_REGION: 'eu', EXAMPLE_WORKERS: '4', NODE_OPTIONS: '--enable-source-maps' }),
      ]),
    ).toEqual([]);
  });

  it('names a missing required setting, an undeclared variable and a value the config refuses', () => {
    const problems = deployedEnvironmentProblems(ExampleConfig, [env({ EXAMPLE_WORKRES: '4', EXAMPLE_WORKERS: '40', LOG_LEVEL: 'loud' })]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'test container: EXAMPLE_REGION is required by ExampleConfig and not set',
        'test container: sets EXAMPLE_WORKRES, which ExampleConfig does not declare',
        expect.stringMatching(/^test container: ExampleConfig refuses EXAMPLE_WORKERS: /),
        expect.stringMatching(/^test container: ExampleConfig refuses LOG_LEVEL: /),
      ]),
    );
  });

  it('counts a value from a Secret it cannot read as set, without judging the value', () => {
    expect(deployedEnvironmentProblems(ExampleConfig, [env({ EXAMPLE_REGION: undefined })])).toEqual([]);
  });
});

describe('interpolate (compose variables)', () => {
  it('applies defaults, the shell, and $$ escapes', () => {
    expect(interpolate('${TAG:-local}/${NAME-x}/$$HOME/${EMPTY:-fallback}/${EMPTY-unused}/${UNSET-kept}', { NAME: 'n', EMPTY: '' })).toBe(
      'local/n/$HOME/fallback//kept',
    );
    expect(() => interpolate('${SECRET:?set it}')).toThrow('SECRET is required: set it');
  });
});

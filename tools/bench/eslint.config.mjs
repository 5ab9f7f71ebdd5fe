import baseConfig from '../../eslint.config.mjs';

const RULE = '@nx/enforce-module-boundaries';

/**
 * The command benchmark measures the command side's use cases (`@ledger/account-commands`,
 * scope:command) without HTTP, so its folder alone may import that scope as well as the shared
 * one; every other constraint is the workspace's own.
 */
function withOpsAlsoReading(scope) {
  const [severity, options] = baseConfig.find((block) => block.rules?.[RULE]).rules[RULE];
  const depConstraints = options.depConstraints.map((constraint) =>
    constraint.sourceTag === 'scope:ops'
      ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, scope] }
      : constraint,
  );
  return { [RULE]: [severity, { ...options, depConstraints }] };
}

export default [...baseConfig, { files: ['command/**/*.ts'], rules: withOpsAlsoReading('scope:command') }];

import baseConfig from '../../eslint.config.mjs';

/**
 * Tagged type:data-access so that the application libs (account-commands, later transfers) may build on
 * it; like them it stays framework-free: no Nest, HTTP, driver or broker.
 */
export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'pg', 'pg-*', 'kafkajs', 'fastify', '@fastify/*', 'pino', 'prom-client'],
              message: 'command handling is framework-free: it knows the event store port only',
            },
          ],
        },
      ],
    },
  },
];

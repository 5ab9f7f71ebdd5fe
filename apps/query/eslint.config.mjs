import baseConfig, { readModelPartsInTests } from '../../eslint.config.mjs';

export default [...baseConfig, readModelPartsInTests(baseConfig, 'scope:query')];

const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/**
 * Nx runs webpack in a pseudo-terminal with FORCE_COLOR set whatever the caller's stdout is, and
 * NxAppWebpackPlugin turns stats colours on, so the build log would carry escape codes into pipes and
 * CI logs. Applied after that plugin, this turns them off again.
 */
const plainStats = {
  apply: (compiler) => {
    compiler.options.stats = { ...compiler.options.stats, colors: false };
  },
};

/** The webpack configuration every app builds with: a Node bundle of src/main.ts in dist/apps/<name>. */
function appWebpackConfig(appDir, name) {
  return {
    output: {
      path: join(appDir, '../../dist/apps', name),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && {
        devtoolModuleFilenameTemplate: '[absolute-resource-path]',
      }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
        // Type errors are the typecheck target's (tsc over tsconfig.app.json): a build only bundles.
        typeCheckOptions: false,
      }),
      plainStats,
    ],
  };
}

module.exports = { appWebpackConfig };

// better-sqlite3 compiles from source where its prebuilt binary and Node's header tarball
// cannot be downloaded. Point node-gyp at the headers installed with Node, when present.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const dir = nodeDir();
      if (dir) config.extraEnv = { ...config.extraEnv, npm_config_nodedir: dir };
      return config;
    },
  },
};

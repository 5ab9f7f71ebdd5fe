import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NODE_FLAGS } from './built-app.process';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe("the apps' Node flags", () => {
  it('are the same in the image, in `npm start` and in the tests and benchmarks', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...APP_NODE_FLAGS, 'main.js']);
    const stack = /^const APP_NODE_FLAGS = (\[.*\]);$/m.exec(readFileSync(join(ROOT, 'tools', 'stack.mjs'), 'utf8'))?.[1];
    expect(JSON.parse((stack ?? 'null').replaceAll("'", '"'))).toEqual(APP_NODE_FLAGS);
  });
});

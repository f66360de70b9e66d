// After `npm install`: build the operator console so `npm start` serves it at /console/.
// When dev dependencies were omitted (`npm ci --omit=dev`) there is no Vite: say so and go on —
// the server runs and /console/ explains how to build it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', 'vite', 'package.json')) || !existsSync(join(root, 'console', 'vite.config.ts'))) {
  console.log('kessai: Vite is not installed, so the operator console was not built (run `npm run build:console` where it is).');
  process.exit(0);
}
const result = spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);

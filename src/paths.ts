/** Where the package's own files are, wherever it is installed or run from. */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// This file compiles to dist/src/paths.js: the package root is three levels up.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageDir(): string {
  return packageRoot;
}

export function stacksDir(): string {
  return join(packageRoot, 'stacks');
}

/** Compiled entry points of the lab's own services. */
export function serviceEntry(service: 'auth' | 'profile'): string {
  return join(packageRoot, 'dist', 'src', 'services', service, 'main.js');
}

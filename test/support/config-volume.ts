import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ConfigMapVolume {
  /** The path a pod reads: `<dir>/<name>`, a symlink through `..data`. */
  path(name: string): string;
  /** Replaces every file at once, as the kubelet does on a ConfigMap or Secret update. */
  update(files: Record<string, string>): void;
}

/**
 * The layout of a Kubernetes ConfigMap or Secret volume in `dir`: each file is a symlink
 * `name → ..data/name`, `..data` a symlink to a timestamped directory holding the contents. An
 * update is the kubelet's atomic writer: a new timestamped directory, a `..data_tmp` symlink to
 * it renamed over `..data`, the old directory removed.
 */
export function configMapVolume(dir: string, files: Record<string, string>): ConfigMapVolume {
  let generation = 0;
  const writeGeneration = (contents: Record<string, string>): string => {
    const name = `..2026_01_01_00_00_${String(generation++).padStart(2, '0')}.000000000`;
    mkdirSync(join(dir, name));
    for (const [file, content] of Object.entries(contents)) writeFileSync(join(dir, name, file), content);
    return name;
  };
  let current = writeGeneration(files);
  symlinkSync(current, join(dir, '..data'));
  for (const file of Object.keys(files)) symlinkSync(join('..data', file), join(dir, file));
  return {
    path: (name) => join(dir, name),
    update: (contents) => {
      const next = writeGeneration(contents);
      symlinkSync(next, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, current), { recursive: true });
      current = next;
    },
  };
}

/** Jest runs the TypeScript sources as native ESM through ts-jest's ESM preset. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
  // With --experimental-vm-modules a worker keeps much of every test file's module graph: its heap
  // grew to ~500 MB over a full run, and freeing that when it exits took longer than jest's
  // 500 ms graceful-exit timeout on a busy 2-core machine, so jest killed it and printed "a worker
  // process has failed to exit gracefully" although the worker held no handle (measured at
  // exit: only its three stdio pipes). A worker above this heap size after a test file is
  // replaced by a fresh one; a worker that does not exit within 2 s (a timer or socket left open)
  // is still reported.
  workerIdleMemoryLimit: '256MB',
  workerGracefulExitTimeout: 2000,
};
